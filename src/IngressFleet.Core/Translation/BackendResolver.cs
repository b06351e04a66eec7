using System.Globalization;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Model;
using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>
/// Resolves Ingress backends to ready endpoints the way kube-proxy does: the Ingress names a Service
/// port by number or name; that Service port's name selects the port of the Service's EndpointSlices
/// (or, without slices, of its v1 Endpoints); only endpoints whose <c>ready</c> condition is not false count.
/// Addresses the <see cref="BackendAddressPolicy"/> refuses are left out and listed in <see cref="Refusals"/>.
/// </summary>
public sealed class BackendResolver
{
    /// <summary>The label that ties an EndpointSlice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly Dictionary<string, V1Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<V1EndpointSlice>> _slices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Endpoints> _endpoints = new(StringComparer.Ordinal);
    private readonly BackendAddressPolicy _policy;

    public BackendResolver(ClusterObjects objects, BackendAddressPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        _policy = policy ?? BackendAddressPolicy.Permissive;
        foreach (var service in objects.Services)
        {
            _services[ObjectKeys.Of(ClusterObjects.NamespaceOf(service.Metadata), service.Metadata?.Name ?? string.Empty)] = service;
        }

        foreach (var slice in objects.EndpointSlices)
        {
            if (slice.Metadata?.Labels?.TryGetValue(ServiceNameLabel, out var serviceName) == true)
            {
                var key = ObjectKeys.Of(ClusterObjects.NamespaceOf(slice.Metadata), serviceName);
                if (!_slices.TryGetValue(key, out var list))
                {
                    _slices[key] = list = [];
                }

                list.Add(slice);
            }
        }

        foreach (var endpoints in objects.Endpoints)
        {
            _endpoints[ObjectKeys.Of(ClusterObjects.NamespaceOf(endpoints.Metadata), endpoints.Metadata?.Name ?? string.Empty)] = endpoints;
        }
    }

    /// <summary>The refused destinations of each Service (<c>namespace/name</c>) resolved so far, with the reason.</summary>
    public SortedDictionary<string, SortedSet<string>> Refusals { get; } = new(StringComparer.Ordinal);

    public BackendEndpoints Resolve(BackendRef backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var serviceKey = ObjectKeys.Of(backend.Namespace, backend.Service);
        if (!_services.TryGetValue(serviceKey, out var service))
        {
            return new BackendEndpoints(backend, [], $"service {serviceKey} not found");
        }

        var port = service.Spec?.Ports?.FirstOrDefault(p =>
            backend.PortNumber > 0 ? p.Port == backend.PortNumber : p.Name == backend.PortName);
        if (port is null)
        {
            var wanted = backend.PortNumber > 0 ? backend.PortNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"\"{backend.PortName}\"";
            return new BackendEndpoints(backend, [], $"service {serviceKey} has no port {wanted}");
        }

        var tls = SpeaksTls(port);
        if (service.Spec?.Type == "ExternalName")
        {
            if (string.IsNullOrEmpty(service.Spec.ExternalName))
            {
                return new BackendEndpoints(backend, [], $"service {serviceKey} is of type ExternalName without externalName");
            }

            var external = new Destination(service.Spec.ExternalName, port.Port);
            return Refused(serviceKey, external) is { } refusal
                ? new BackendEndpoints(backend, [], $"service {serviceKey}: externalName refused: {refusal}")
                : new BackendEndpoints(backend, [external], null) { Tls = tls };
        }

        var destinations = new SortedSet<Destination>(DestinationOrder.Instance);
        if (_slices.TryGetValue(serviceKey, out var slices))
        {
            foreach (var slice in slices)
            {
                AddFromSlice(slice, port, destinations);
            }
        }
        else if (_endpoints.TryGetValue(serviceKey, out var endpoints))
        {
            AddFromEndpoints(endpoints, port, destinations);
        }

        destinations.RemoveWhere(d => Refused(serviceKey, d) is not null);
        return new BackendEndpoints(backend, [.. destinations], null) { Tls = tls };
    }

    private string? Refused(string serviceKey, Destination destination)
    {
        if (_policy.Refusal(destination.Address, destination.Port) is not { } reason)
        {
            return null;
        }

        if (!Refusals.TryGetValue(serviceKey, out var refused))
        {
            Refusals[serviceKey] = refused = new(StringComparer.Ordinal);
        }

        refused.Add(string.Create(CultureInfo.InvariantCulture, $"backend address {destination} refused: {reason}"));
        return reason;
    }

    /// <summary>A Service port named <c>https</c>, numbered 443 or with appProtocol <c>https</c> is spoken to over TLS.</summary>
    private static bool SpeaksTls(V1ServicePort port) =>
        string.Equals(port.Name, "https", StringComparison.OrdinalIgnoreCase)
        || port.Port == 443
        || string.Equals(port.AppProtocol, "https", StringComparison.OrdinalIgnoreCase);

    private static bool SamePortName(string? a, string? b) => (a ?? string.Empty) == (b ?? string.Empty);

    private static void AddFromSlice(V1EndpointSlice slice, V1ServicePort servicePort, SortedSet<Destination> into)
    {
        var slicePort = slice.Ports?.FirstOrDefault(p => SamePortName(p.Name, servicePort.Name) && (p.Protocol ?? "TCP") == "TCP");
        if (slicePort?.Port is not { } portNumber)
        {
            return;
        }

        foreach (var endpoint in slice.Endpoints ?? [])
        {
            // A missing ready condition means "unknown", which consumers treat as ready.
            if (endpoint.Conditions?.Ready == false)
            {
                continue;
            }

            foreach (var address in endpoint.Addresses ?? [])
            {
                into.Add(new Destination(address, portNumber));
            }
        }
    }

    private static void AddFromEndpoints(V1Endpoints endpoints, V1ServicePort servicePort, SortedSet<Destination> into)
    {
        foreach (var subset in endpoints.Subsets ?? [])
        {
            var port = subset.Ports?.FirstOrDefault(p => SamePortName(p.Name, servicePort.Name) && (p.Protocol ?? "TCP") == "TCP");
            if (port is null)
            {
                continue;
            }

            foreach (var address in subset.Addresses ?? [])
            {
                into.Add(new Destination(address.Ip, port.Port));
            }
        }
    }

    private sealed class DestinationOrder : IComparer<Destination>
    {
        public static DestinationOrder Instance { get; } = new();

        public int Compare(Destination? x, Destination? y)
        {
            var byAddress = string.CompareOrdinal(x?.Address, y?.Address);
            return byAddress != 0 ? byAddress : (x?.Port ?? 0).CompareTo(y?.Port ?? 0);
        }
    }
}

using System.Collections.Immutable;
using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>
/// The Kubernetes objects a source holds at one moment, as parsed with the KubernetesClient models.
/// Every source (manifest folder, API server) produces this, and translation reads only this.
/// </summary>
public sealed record ClusterObjects(
    ImmutableArray<V1Ingress> Ingresses,
    ImmutableArray<V1IngressClass> IngressClasses,
    ImmutableArray<V1Service> Services,
    ImmutableArray<V1EndpointSlice> EndpointSlices,
    ImmutableArray<V1Endpoints> Endpoints,
    ImmutableArray<V1Secret> Secrets)
{
    public static ClusterObjects Empty { get; } = new([], [], [], [], [], []);

    /// <summary>Where each object came from (a file path, "kubernetes"), by <see cref="KeyOf"/>; for error reports only.</summary>
    /// <remarks>Read-only by contract: a source hands over a dictionary it no longer writes.</remarks>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary><c>Kind/namespace/name</c> of an object.</summary>
    public static string KeyOf(string kind, V1ObjectMeta? metadata) =>
        $"{kind}/{NamespaceOf(metadata)}/{metadata?.Name}";

    /// <summary>The origin of objects not in <see cref="Origins"/>: all of them, for a source with one origin.</summary>
    public string DefaultOrigin { get; init; } = "unknown";

    public string OriginOf(string kind, V1ObjectMeta? metadata) =>
        Origins.TryGetValue(KeyOf(kind, metadata), out var origin) ? origin : DefaultOrigin;

    /// <summary>The namespace an object is in: <c>default</c> when it names none.</summary>
    public static string NamespaceOf(V1ObjectMeta? metadata) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? "default" : metadata.NamespaceProperty;

    /// <summary>Sorts any mix of objects into their kinds; objects of other kinds are ignored.</summary>
    public static ClusterObjects From(IEnumerable<object> objects)
    {
        var ingresses = ImmutableArray.CreateBuilder<V1Ingress>();
        var classes = ImmutableArray.CreateBuilder<V1IngressClass>();
        var services = ImmutableArray.CreateBuilder<V1Service>();
        var slices = ImmutableArray.CreateBuilder<V1EndpointSlice>();
        var endpoints = ImmutableArray.CreateBuilder<V1Endpoints>();
        var secrets = ImmutableArray.CreateBuilder<V1Secret>();
        foreach (var o in objects)
        {
            switch (o)
            {
                case V1Ingress i: ingresses.Add(i); break;
                case V1IngressClass c: classes.Add(c); break;
                case V1Service s: services.Add(s); break;
                case V1EndpointSlice e: slices.Add(e); break;
                case V1Endpoints e: endpoints.Add(e); break;
                case V1Secret s: secrets.Add(s); break;
            }
        }

        return new ClusterObjects(
            ingresses.ToImmutable(), classes.ToImmutable(), services.ToImmutable(),
            slices.ToImmutable(), endpoints.ToImmutable(), secrets.ToImmutable());
    }
}

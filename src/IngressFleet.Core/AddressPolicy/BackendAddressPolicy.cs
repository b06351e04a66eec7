using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace IngressFleet.Core.AddressPolicy;

/// <summary>
/// Which backend addresses the proxy may connect to. Traffic to a backend starts inside the pod, past any
/// NetworkPolicy, so an Ingress author who controls an EndpointSlice or an ExternalName could otherwise reach
/// what only the pod can: its own admin and silo ports, loopback services, and the cloud's metadata service
/// on link-local addresses. Refused: link-local and unspecified addresses, the silo's own listening ports on
/// any loopback or local address, loopback altogether when so configured, and operator-listed networks.
/// Checked at translation (endpoint addresses) and again at every connect (DNS answers of ExternalNames).
/// </summary>
public sealed class BackendAddressPolicy
{
    private static readonly IPNetwork LinkLocalV4 = IPNetwork.Parse("169.254.0.0/16");
    private static readonly IPNetwork LinkLocalV6 = IPNetwork.Parse("fe80::/10");

    private readonly FrozenSet<int> _ownPorts;
    private readonly FrozenSet<IPAddress> _localAddresses;
    private readonly bool _refuseLoopback;
    private readonly IReadOnlyList<IPNetwork> _refused;
    private readonly IReadOnlyList<IPNetwork> _allowed;

    public BackendAddressPolicy(BackendAddressOptions options, bool kubernetesSource, IEnumerable<int> ownPorts, IEnumerable<IPAddress>? localAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ownPorts);
        _ownPorts = ownPorts.Where(p => p > 0).ToFrozenSet();
        _localAddresses = (localAddresses ?? LocalAddresses()).Select(Normalize).ToFrozenSet();
        _refuseLoopback = options.BackendLoopback == LoopbackBackends.Refuse || (options.BackendLoopback == LoopbackBackends.Auto && kubernetesSource);
        _refused = options.Refused;
        _allowed = options.Allowed;
    }

    /// <summary>Allows everything but link-local and unspecified addresses: for tests and tools that have no silo.</summary>
    public static BackendAddressPolicy Permissive { get; } = new(new BackendAddressOptions { BackendLoopback = LoopbackBackends.Allow }, kubernetesSource: false, [], []);

    /// <summary>Why a connection to <paramref name="address"/>:<paramref name="port"/> is refused, or null when allowed.</summary>
    public string? Refusal(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        if (_ownPorts.Contains(port) && (IPAddress.IsLoopback(address) || IsUnspecified(address) || _localAddresses.Contains(address)))
        {
            return $"port {port.ToString(CultureInfo.InvariantCulture)} of this host is one of the silo's own listening ports";
        }

        if (_refused.Any(n => n.Contains(address)))
        {
            return "the address is in a network the operator refused (RefusedBackendNetworks)";
        }

        if (_allowed.Any(n => n.Contains(address)))
        {
            return null;
        }

        if (IsUnspecified(address))
        {
            return "the unspecified address is not a backend";
        }

        if (LinkLocalV4.Contains(address) || LinkLocalV6.Contains(address))
        {
            return "link-local addresses (where cloud metadata services answer) are refused";
        }

        return _refuseLoopback && IPAddress.IsLoopback(address)
            ? "loopback addresses are refused with the Kubernetes source: in a pod they are the controller's own (BackendLoopback allows them)"
            : null;
    }

    /// <summary>
    /// The refusal for a destination as written in config: an IP literal is judged as such; a name
    /// (ExternalName) only when it is <c>localhost</c>, since other names are judged on their DNS answers at connect time.
    /// </summary>
    public string? Refusal(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return Refusal(address, port);
        }

        var name = host.TrimEnd('.');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? Refusal(IPAddress.Loopback, port)
            : null;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool IsUnspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IEnumerable<IPAddress> LocalAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
        catch (SocketException)
        {
            return [];
        }
    }
}

using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.DataPlane.LoadBalancing;
using IngressFleet.DataPlane.Tls;

namespace IngressFleet.DataPlane.State;

/// <summary>
/// One applied config version as the request path reads it: config, route table, backend pools and
/// certificates, always from the same version.
/// </summary>
public sealed record AppliedConfig(
    RoutingConfig Config,
    RouteTable Routes,
    IReadOnlyDictionary<string, BackendPool> Backends,
    DateTimeOffset AppliedAt)
{
    /// <summary>The certificates handshakes choose from.</summary>
    internal CertificateTable Certificates { get; init; } = null!;

    /// <summary>The fleet's health view the backend pools were built with.</summary>
    public HealthSnapshot Health { get; init; } = HealthSnapshot.Empty;

    public long Version => Config.Version;
}

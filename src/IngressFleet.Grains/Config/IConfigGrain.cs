using IngressFleet.Model;
using Orleans.Concurrency;

namespace IngressFleet.Config;

/// <summary>
/// The fleet's config: assigns versions to changes, keeps the current <see cref="RoutingConfig"/>
/// and publishes each change on <see cref="ConfigStreamNames"/>. One per fleet (key <see cref="ConfigStreamNames.FleetKey"/>).
/// </summary>
[Alias("ingressfleet.IConfigGrain")]
public interface IConfigGrain : IGrainWithStringKey
{
    /// <summary>Stores a change in the route and backend grains, then versions and publishes it.</summary>
    /// <returns>The version that holds the change; the current one when the change is empty.</returns>
    [Alias("Commit")]
    Task<long> CommitAsync(ConfigChange change);

    /// <summary>The whole config at the current version.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<RoutingConfig> GetSnapshotAsync();

    /// <summary>The current version, for cheap anti-entropy checks.</summary>
    [Alias("GetVersion"), AlwaysInterleave]
    Task<long> GetVersionAsync();
}

using IngressFleet.Core.Model;
using Orleans.Concurrency;

namespace IngressFleet.Grains.Contracts.Config;

/// <summary>
/// The fleet's config: assigns versions to changes, keeps the current <see cref="RoutingConfig"/>
/// and publishes each change on the config stream. One per fleet (key <see cref="ControlPlaneNames.FleetKey"/>).
/// </summary>
[Alias("ingressfleet.IConfigGrain")]
public interface IConfigGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a change in the route and backend grains, then versions and publishes it. Refused when
    /// <paramref name="sourceTerm"/> is older than that of a source that already committed: a source that
    /// lost its lease cannot overwrite its successor's view.
    /// </summary>
    [Alias("Commit")]
    Task<CommitResult> CommitAsync(ConfigChange change, long sourceTerm);

    /// <summary>The whole config at the current version.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<RoutingConfig> GetSnapshotAsync();

    /// <summary>The current version and source state, for cheap anti-entropy checks.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<ControlPlaneStatus> GetStatusAsync();
}

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
    /// lost its lease cannot overwrite its successor's view. Refused as stale when <paramref name="baseVersion"/>,
    /// the version the change was computed against, is not the current one (another activation's state, or
    /// state lost with the store): applied to anything else, a difference would not give the config meant.
    /// </summary>
    [Alias("Commit")]
    Task<CommitResult> CommitAsync(ConfigChange change, long sourceTerm, long baseVersion);

    /// <summary>The whole config at the current version.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<RoutingConfig> GetSnapshotAsync();

    /// <summary>
    /// Registers <paramref name="observer"/> for pushed deltas, or renews its registration, and answers the status
    /// as <see cref="GetStatusAsync"/>. A registration lapses unless renewed within three times
    /// <paramref name="renewal"/> (at least 10 seconds), so a silo that died stops being pushed to.
    /// </summary>
    [Alias("Watch"), AlwaysInterleave]
    Task<ControlPlaneStatus> WatchAsync(IConfigObserver observer, TimeSpan renewal);

    /// <summary>Ends <paramref name="observer"/>'s registration.</summary>
    [Alias("Unwatch"), AlwaysInterleave]
    Task UnwatchAsync(IConfigObserver observer);

    /// <summary>The current version and source state, for cheap anti-entropy checks.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<ControlPlaneStatus> GetStatusAsync();
}

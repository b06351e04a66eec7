using IngressFleet.Model;
using Orleans.Concurrency;

namespace IngressFleet.Config;

/// <summary>The control plane's state in brief, for version checks and the fleet view.</summary>
/// <param name="Version">The current config version.</param>
/// <param name="SourceSynced">True once a source has committed its full view (an empty one counts).</param>
/// <param name="SourceEpoch">The lease term of the newest source that committed.</param>
/// <param name="Silo">The silo that hosts the config grain.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.ControlPlaneStatus")]
public sealed record ControlPlaneStatus(long Version, bool SourceSynced, long SourceEpoch, string Silo);

/// <summary>The outcome of a commit.</summary>
/// <param name="Accepted">False when the committing source's lease term is older than one already seen.</param>
/// <param name="Version">The version that holds the change (the current one if nothing changed or it was refused).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.CommitResult")]
public sealed record CommitResult(bool Accepted, long Version);

/// <summary>
/// The fleet's config: assigns versions to changes, keeps the current <see cref="RoutingConfig"/>
/// and publishes each change on the config stream. One per fleet (key <see cref="ConfigStreamNames.FleetKey"/>).
/// </summary>
[Alias("ingressfleet.IConfigGrain")]
public interface IConfigGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a change in the route and backend grains, then versions and publishes it. Refused when
    /// <paramref name="sourceEpoch"/> is older than that of a source that already committed: a source that
    /// lost its lease cannot overwrite its successor's view.
    /// </summary>
    [Alias("Commit")]
    Task<CommitResult> CommitAsync(ConfigChange change, long sourceEpoch);

    /// <summary>The whole config at the current version.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<RoutingConfig> GetSnapshotAsync();

    /// <summary>The current version and source state, for cheap anti-entropy checks.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<ControlPlaneStatus> GetStatusAsync();
}

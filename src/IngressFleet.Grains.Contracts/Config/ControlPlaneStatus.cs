namespace IngressFleet.Grains.Contracts.Config;

/// <summary>The control plane's state in brief, for version checks and the fleet view.</summary>
/// <param name="Version">The current config version.</param>
/// <param name="SourceSynced">True once a source has committed its full view (an empty one counts).</param>
/// <param name="SourceTerm">The lease term of the newest source that committed.</param>
/// <param name="Silo">The silo that hosts the config grain.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.ControlPlaneStatus")]
public sealed record ControlPlaneStatus(long Version, bool SourceSynced, long SourceTerm, string Silo)
{
    /// <summary>When a source last committed (a change or a sync), as the config grain's silo saw it; null before any commit of this activation.</summary>
    [Id(0)]
    public DateTimeOffset? LastCommitAt { get; init; }

    /// <summary>The versions this activation committed lately, oldest first, with when (at most <c>20</c>).</summary>
    [Id(1)]
    public System.Collections.Immutable.ImmutableArray<VersionCommit> RecentCommits { get; init; } = [];
}

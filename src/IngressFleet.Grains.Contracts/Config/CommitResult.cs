namespace IngressFleet.Grains.Contracts.Config;

/// <summary>The outcome of a commit.</summary>
/// <param name="Accepted">False when the committing source's lease term is older than one already seen, or the change was computed against another version (<see cref="StaleBase"/>).</param>
/// <param name="Version">The version that holds the change (the current one if nothing changed or it was refused).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.CommitResult")]
public sealed record CommitResult(bool Accepted, long Version)
{
    /// <summary>The change was computed against a version that is not the current one: fetch the snapshot and compute it again.</summary>
    [Id(0)]
    public bool StaleBase { get; init; }
}

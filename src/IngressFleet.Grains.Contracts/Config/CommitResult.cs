namespace IngressFleet.Grains.Contracts.Config;

/// <summary>The outcome of a commit.</summary>
/// <param name="Accepted">False when the committing source's lease term is older than one already seen.</param>
/// <param name="Version">The version that holds the change (the current one if nothing changed or it was refused).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.CommitResult")]
public sealed record CommitResult(bool Accepted, long Version);

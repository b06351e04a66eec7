namespace IngressFleet.Core.Model;

/// <summary>What one silo saw of one destination since its last report.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.DestinationOutcome")]
public sealed record DestinationOutcome(string Destination, int Successes, int Failures)
{
    /// <summary>How many of <see cref="Failures"/> were 5xx responses (counted only where the policy opts in) rather than connection failures or timeouts.</summary>
    [Id(0)]
    public int ServerErrors { get; init; }
}

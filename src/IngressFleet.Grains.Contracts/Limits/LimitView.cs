using System.Collections.Immutable;

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>A limit's fleet-wide state: its value and who holds what.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.LimitView")]
public sealed record LimitView(string Key, double Limit, ImmutableArray<LimitHolding> Holdings)
{
    /// <summary>The silo hosting the limit's grain (for the fleet view and for chaos tests that kill it).</summary>
    [Id(0)]
    public string? GrainSilo { get; init; }
}

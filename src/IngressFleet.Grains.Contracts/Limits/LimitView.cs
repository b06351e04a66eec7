using System.Collections.Immutable;

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>A limit's fleet-wide state: its value and who holds what.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.LimitView")]
public sealed record LimitView(string Key, double Limit, ImmutableArray<LimitHolding> Holdings);

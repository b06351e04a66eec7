using System.Collections.Immutable;

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>The parts of a silo's clients that other silos see too, valid for <see cref="Duration"/>; every other client of the silo has the whole limit there.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientShares")]
public sealed record ClientShares(ImmutableArray<ClientShare> Shares, TimeSpan Duration);

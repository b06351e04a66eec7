namespace IngressFleet.Grains.Contracts.SourceLeases;

/// <summary>The answer to a lease request: who holds the source lease, in which term, until when.</summary>
/// <param name="Holder">The silo that holds it.</param>
/// <param name="Term">The term: it grows by one with every new holder, and fences commits of older terms.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed, by the lease grain's clock.</param>
/// <param name="Granted">True when the caller holds it now.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.SourceLease")]
public sealed record SourceLease(string Holder, long Term, DateTimeOffset ExpiresAt, bool Granted);

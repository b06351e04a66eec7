namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>Permits a silo may use until <see cref="Duration"/> after it asked; it must stop using them then unless renewed.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.PermitLease")]
public sealed record PermitLease(int Permits, TimeSpan Duration);

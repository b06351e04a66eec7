namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>A silo's share of a fleet-wide rate: its own token bucket's rate and size, valid for <see cref="Duration"/>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.RateShare")]
public sealed record RateShare(double RequestsPerSecond, double Burst, TimeSpan Duration);

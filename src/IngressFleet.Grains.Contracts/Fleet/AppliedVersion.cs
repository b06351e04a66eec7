namespace IngressFleet.Grains.Contracts.Fleet;

/// <summary>A config version a silo applied, and when by its clock.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.AppliedVersion")]
public sealed record AppliedVersion(long Version, DateTimeOffset At);

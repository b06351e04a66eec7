namespace IngressFleet.Core.Model;

/// <summary>One backend's new health, turning <see cref="PreviousVersion"/> into <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthDelta")]
public sealed record HealthDelta(long PreviousVersion, long Version, BackendHealth Backend);

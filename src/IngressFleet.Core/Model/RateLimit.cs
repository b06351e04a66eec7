namespace IngressFleet.Core.Model;

/// <summary>A fleet-wide rate limit on an Ingress's requests: over it, 429.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.RateLimit")]
public sealed record RateLimit(double RequestsPerSecond, int Burst);

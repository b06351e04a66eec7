namespace IngressFleet.Core.Model;

/// <summary>Active health checking of a backend's destinations by HTTP GET.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthCheck")]
public sealed record HealthCheck(string Path, TimeSpan Interval, TimeSpan Timeout, int HealthyThreshold, int UnhealthyThreshold);

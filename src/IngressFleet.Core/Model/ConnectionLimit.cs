namespace IngressFleet.Core.Model;

/// <summary>
/// A fleet-wide cap on requests in flight to each backend of an Ingress: over it, requests wait in a bounded
/// queue, then get 503.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ConnectionLimit")]
public sealed record ConnectionLimit(int MaxConnections, int MaxQueue, TimeSpan QueueTimeout);

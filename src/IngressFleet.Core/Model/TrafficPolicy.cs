namespace IngressFleet.Model;

/// <summary>How a request picks one of a backend's destinations.</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Two destinations at random, the one with fewer requests in flight (the default).</summary>
    PowerOfTwoChoices,
    RoundRobin,

    /// <summary>The destination with the fewest requests in flight from this silo.</summary>
    LeastRequests,
    Random,

    /// <summary>A hash of a header, cookie or the client address on a ring, so a key keeps its destination.</summary>
    ConsistentHash,
}

/// <summary>What consistent hashing hashes.</summary>
public enum HashSource
{
    Header,
    Cookie,
    ClientAddress,
}

/// <summary>The key of consistent hashing: a header or cookie (by name), or the client address.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HashKey")]
public sealed record HashKey(HashSource Source, string? Name);

/// <summary>Destination choice for an Ingress's requests.</summary>
/// <param name="LoadBalancing">The policy.</param>
/// <param name="HashBy">The key when <see cref="LoadBalancing"/> is <see cref="LoadBalancingPolicy.ConsistentHash"/>.</param>
/// <param name="AffinityCookie">With cookie affinity, the cookie naming the destination a client sticks to.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.TrafficPolicy")]
public sealed record TrafficPolicy(LoadBalancingPolicy LoadBalancing, HashKey? HashBy, string? AffinityCookie)
{
    public static TrafficPolicy Default { get; } = new(LoadBalancingPolicy.PowerOfTwoChoices, null, null);
}

/// <summary>
/// A fleet-wide cap on requests in flight to each backend of an Ingress: over it, requests wait in a bounded
/// queue, then get 503.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ConnectionLimit")]
public sealed record ConnectionLimit(int MaxConnections, int MaxQueue, TimeSpan QueueTimeout);

/// <summary>A fleet-wide rate limit on an Ingress's requests: over it, 429.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.RateLimit")]
public sealed record RateLimit(double RequestsPerSecond, int Burst);

/// <summary>Active health checking of a backend's destinations by HTTP GET.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthCheck")]
public sealed record HealthCheck(string Path, TimeSpan Interval, TimeSpan Timeout, int HealthyThreshold, int UnhealthyThreshold);

/// <summary>How a backend's destinations are judged healthy.</summary>
/// <param name="ServerErrorsAreFailures">5xx responses count as failures of passive health, besides connection failures and timeouts.</param>
/// <param name="Active">Probing, when configured.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthPolicy")]
public sealed record HealthPolicy(bool ServerErrorsAreFailures, HealthCheck? Active)
{
    public static HealthPolicy Default { get; } = new(ServerErrorsAreFailures: true, Active: null);
}

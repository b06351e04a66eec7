namespace IngressFleet.Core.Model;

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

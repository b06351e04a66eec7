namespace IngressFleet.Host.Hosting;

/// <summary>How silos form a fleet.</summary>
public enum ClusterMode
{
    /// <summary>One silo, localhost clustering, state in memory. No external service.</summary>
    Standalone,

    /// <summary>Any number of silos, membership and grain state in Redis.</summary>
    Redis,
}

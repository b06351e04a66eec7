using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Distribution;

/// <summary>The clocks of the loops that keep a silo on the control plane's config and health.</summary>
public sealed class DistributionOptions
{
    /// <summary>How often a current silo compares its config version with the control plane's. Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a silo that is behind, or not synced yet, checks the config version. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a silo compares its health version with the fleet's. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan HealthVersionCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries of a stream subscription or a first snapshot. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FollowerRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long shutdown waits for a stream unsubscription. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan UnsubscribeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a silo reports its state to the fleet view. Default 1 s; a quiet silo (nothing served, nothing changed) twice as long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FleetReportInterval { get; set; } = TimeSpan.FromSeconds(1);
}

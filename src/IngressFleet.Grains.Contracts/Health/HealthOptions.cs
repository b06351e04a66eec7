using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Grains.Contracts.Health;

/// <summary>Passive and active health: the backend grains' thresholds and the silos' reporting and probing clocks.</summary>
public sealed class HealthOptions
{
    /// <summary>The window passive-health outcomes are judged over: short, so a destination that dies is judged by its death, not its past. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PassiveHealthWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At least this many failures in the window (and <see cref="PassiveHealthFailureRatio"/> of its requests) eject a destination. Default 5.</summary>
    [Range(1, 1_000_000)]
    public int PassiveHealthMinimumFailures { get; set; } = 5;

    /// <summary>The share of the window's requests that must have failed to eject. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double PassiveHealthFailureRatio { get; set; } = 0.5;

    /// <summary>An ejected destination returns after this long, unless a probe finds it healthy first. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan EjectionReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a silo sends the backend grains what its requests saw. Default 100 ms; with nothing to send it waits for the next request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan HealthReportInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a silo looks for backends it should probe, or whose prober is gone. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProberScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two nudges of a backend grain that has no live prober. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProberNudgeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long connecting to a destination may take in a probe. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ProbeConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

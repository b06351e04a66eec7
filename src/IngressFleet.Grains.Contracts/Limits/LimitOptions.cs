using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>How fleet-wide limits are leased: read by the limit grains and by every silo that holds leases.</summary>
public sealed class LimitOptions
{
    /// <summary>A lease not renewed within this long lapses; a killed silo's permits return after it. Default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan LimitLeaseDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a silo renews the leases it uses (at once when a request starts waiting). Default 250 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan LimitRenewInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A limit unused for this long is handed back and forgotten by the silo. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LimitIdleAfter { get; set; } = TimeSpan.FromSeconds(10);
}

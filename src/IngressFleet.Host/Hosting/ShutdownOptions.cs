using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Host.Hosting;

/// <summary>How a silo leaves on SIGTERM (see <see cref="GracefulShutdown"/>).</summary>
public sealed class ShutdownOptions
{
    /// <summary>On SIGTERM, how long readiness fails before new connections are refused, so load balancers stop sending first. Default 5 s.</summary>
    [Range(0, 600)]
    public double ShutdownDelaySeconds { get; set; } = 5;

    /// <summary>On SIGTERM, how long in-flight requests get to finish after new connections are refused. Default 30 s.</summary>
    [Range(0, 3600)]
    public double DrainTimeoutSeconds { get; set; } = 30;
}

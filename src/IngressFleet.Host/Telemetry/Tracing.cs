using IngressFleet.Core.Telemetry;

namespace IngressFleet.Host.Telemetry;

/// <summary>IngressFleet's own spans, and the sources whose spans make up its traces.</summary>
internal static class Tracing
{
    /// <summary>ASP.NET Core's server span for every request; the proxy names and tags it.</summary>
    public const string RequestSpan = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    /// <summary>
    /// Server span (ASP.NET Core), client span of the forward (System.Net.Http), grain calls and storage
    /// (Orleans, propagated between silos by Orleans' activity propagation), and ours.
    /// </summary>
    public static readonly string[] Sources =
    [
        FleetTelemetry.Name,
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
    ];
}

using System.Diagnostics;

namespace IngressFleet.Core.Telemetry;

/// <summary>
/// The names IngressFleet's telemetry is found by: one activity source and one meter, shared by every
/// stage (a config change's trace starts in a source and ends in each silo's distribution loop).
/// </summary>
public static class FleetTelemetry
{
    /// <summary>The activity source and meter name.</summary>
    public const string Name = "IngressFleet";

    /// <summary>A source's change committed to the config grain: the root of a config change's trace.</summary>
    public const string PublishSpan = "ingressfleet.config.publish";

    /// <summary>The config grain storing a commit's changed items (routes, endpoints, certificates): a child of its commit call.</summary>
    public const string StoreSpan = "ingressfleet.config.store";

    /// <summary>One silo applying a config version: a child of the publish span, on every silo.</summary>
    public const string ApplySpan = "ingressfleet.config.apply";

    /// <summary>The attribute naming the Ingress a request matched.</summary>
    public const string RouteTag = "ingressfleet.route";

    /// <summary>The attribute naming the backend a request went to.</summary>
    public const string BackendTag = "ingressfleet.backend";

    /// <summary>IngressFleet's spans.</summary>
    public static ActivitySource Source { get; } = new(Name);
}

using System.Diagnostics;
using OpenTelemetry.Trace;

namespace IngressFleet.Telemetry;

/// <summary>IngressFleet's own spans, and the sources whose spans make up its traces.</summary>
internal static class Tracing
{
    public const string SourceName = "IngressFleet";

    /// <summary>A source's change committed to the config grain: the root of a config change's trace.</summary>
    public const string PublishSpan = "ingressfleet.config.publish";

    /// <summary>One silo applying a config version: a child of the publish span, on every silo.</summary>
    public const string ApplySpan = "ingressfleet.config.apply";

    /// <summary>ASP.NET Core's server span for every request; the proxy names and tags it.</summary>
    public const string RequestSpan = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Server span (ASP.NET Core), client span of the forward (System.Net.Http), grain calls and storage
    /// (Orleans, propagated between silos by Orleans' activity propagation), and ours.
    /// </summary>
    public static readonly string[] Sources =
    [
        SourceName,
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Microsoft.Orleans.Storage",
    ];
}

/// <summary>
/// Decides which traces start here: a request or a config change starts one with probability
/// <c>ratio</c>; a span with a parent follows the parent's decision (so an incoming <c>traceparent</c> is
/// honoured); and anything else without a parent (the periodic grain calls of membership, anti-entropy and
/// fleet reports) starts none, so traces hold user-visible work only.
/// </summary>
internal sealed class FleetSampler(double ratio) : Sampler
{
    private readonly ParentBasedSampler _inner = new(new RootSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) => _inner.ShouldSample(samplingParameters);

    private sealed class RootSampler(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
            samplingParameters.Name is Tracing.RequestSpan or Tracing.PublishSpan
                ? _ratio.ShouldSample(samplingParameters)
                : new SamplingResult(SamplingDecision.Drop);
    }
}

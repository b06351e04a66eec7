using IngressFleet.Core.Telemetry;
using OpenTelemetry.Trace;

namespace IngressFleet.Host.Telemetry;

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
            samplingParameters.Name is Tracing.RequestSpan or FleetTelemetry.PublishSpan
                ? _ratio.ShouldSample(samplingParameters)
                : new SamplingResult(SamplingDecision.Drop);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using IngressFleet.Proxy;

namespace IngressFleet.Telemetry;

/// <summary>
/// IngressFleet's own instruments, on the <see cref="MeterName"/> meter: request duration by route, backend
/// and status class (its count is the request count: one instrument per request, not two), requests in
/// flight per backend, upstream errors, and the config state. Nothing is recorded without a listener.
/// </summary>
internal sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "IngressFleet";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _upstreamErrors;

    public ProxyMetrics(IMeterFactory meters, DataPlane dataPlane, ConfigSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(MeterName);
        _duration = _meter.CreateHistogram<double>(
            "ingressfleet.proxy.request.duration",
            "s",
            "Time from the request's arrival to its response's end, by route (source Ingress), backend and status class.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _inFlight = _meter.CreateUpDownCounter<long>("ingressfleet.proxy.active_requests", "{request}", "Requests being forwarded, by backend.");
        _upstreamErrors = _meter.CreateCounter<long>("ingressfleet.proxy.upstream_errors", "{error}", "Forwarding failures (connect, timeout, reset...), by backend and YARP error.");
        _meter.CreateObservableGauge("ingressfleet.config.version", () => dataPlane.Current.Version, "{version}", "The config version this silo serves.");
        _meter.CreateObservableGauge("ingressfleet.config.control_plane_version", () => subscriber.Applier.ControlPlaneVersion, "{version}", "The newest config version this silo knows the control plane has.");
        _meter.CreateObservableGauge("ingressfleet.config.rejected_objects", () => dataPlane.Current.Config.Problems.Count, "{object}", "Inputs rejected with a reason (files, objects).");
        _meter.CreateObservableGauge("ingressfleet.config.routes", () => dataPlane.Current.Routes.Entries.Length, "{route}", "Routes in the table this silo serves.");
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>Marks a request to <paramref name="backend"/> as in flight; returns the timestamp to pass to <see cref="Completed"/>.</summary>
    public long Started(string backend)
    {
        if (_inFlight.Enabled)
        {
            _inFlight.Add(1, new KeyValuePair<string, object?>("backend", backend));
        }

        return Stopwatch.GetTimestamp();
    }

    /// <summary>Records a forwarded request's outcome.</summary>
    public void Completed(long started, string route, string backend, int status, string? upstreamError)
    {
        if (_inFlight.Enabled)
        {
            _inFlight.Add(-1, new KeyValuePair<string, object?>("backend", backend));
        }

        if (upstreamError is not null && _upstreamErrors.Enabled)
        {
            _upstreamErrors.Add(1, new("backend", backend), new("error", upstreamError));
        }

        Answered(started, route, backend, status);
    }

    /// <summary>Records a request answered without forwarding (404, 503) or after it.</summary>
    public void Answered(long started, string route, string backend, int status)
    {
        if (_duration.Enabled)
        {
            var statusClass = status is >= 100 and < 600 ? StatusClasses[(status / 100) - 1] : "other";
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new("route", route), new("backend", backend), new("status_class", statusClass));
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using IngressFleet.Core.Telemetry;
using IngressFleet.DataPlane.Admission;
using IngressFleet.DataPlane.State;

namespace IngressFleet.DataPlane.Telemetry;

/// <summary>
/// IngressFleet's instruments on the <see cref="FleetTelemetry.Name"/> meter. Per request: the semantic-convention
/// <c>http.server.request.duration</c> (its count is the request count: one instrument per request, not
/// two), with the Ingress and backend as attributes; requests in flight and upstream errors per backend.
/// Per silo: the config version served and known, routes, rejected objects, propagation lag.
/// Nothing is recorded without a listener.
/// </summary>
internal sealed class ProxyMetrics
{
    // Boxed once, so recording a status code allocates nothing.
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _retries;

    public ProxyMetrics(IMeterFactory meters, ConfigInForce inForce, AccessLog accessLog, AdmissionControl limits, FastPath.Http1Forwarder forwarder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(FleetTelemetry.Name);
        _duration = _meter.CreateHistogram<double>(
            "http.server.request.duration",
            "s",
            "Time from a proxied request's arrival to its response's end, by method, status code, route (source Ingress) and backend.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _inFlight = _meter.CreateUpDownCounter<long>("ingressfleet.backend.active_requests", "{request}", "Requests being forwarded, by backend.");
        _retries = _meter.CreateCounter<long>("ingressfleet.backend.retries", "{attempt}", "Failed attempts tried again on another destination, by backend and reason (error, timeout, http_502...).");
        _upstreamErrors = _meter.CreateCounter<long>("ingressfleet.backend.upstream_errors", "{error}", "Forwarding failures by backend and error.type (connect, timeout, reset...).");
        _meter.CreateObservableGauge("ingressfleet.config.version", () => inForce.Current.Version, "{version}", "The config version this silo serves.");
        _meter.CreateObservableGauge("ingressfleet.config.rejected_objects", () => inForce.Current.Config.Problems.Values.Count(p => p.IsRejected), "{object}", "Inputs rejected with a reason (files, objects).");
        _meter.CreateObservableGauge(
            "ingressfleet.config.warnings",
            () => inForce.Current.Config.Problems.Values.Sum(p => p.Warnings.Length),
            "{warning}",
            "Warnings about served objects: annotations IngressFleet does not implement, which are ignored.");
        _meter.CreateObservableGauge("ingressfleet.config.routes", () => inForce.Current.Routes.Entries.Length, "{route}", "Routes in the table this silo serves.");
        _meter.CreateObservableGauge(
            "ingressfleet.tls.certificate.time_to_expiry",
            () => inForce.Current.Certificates.BySecret.Select(p => new Measurement<double>(
                (p.Value.Leaf.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalSeconds,
                new KeyValuePair<string, object?>("ingressfleet.secret", p.Key))),
            "s",
            "Time until each served certificate expires, by Secret: alert well before zero.");
        _meter.CreateObservableGauge(
            "ingressfleet.backend.ejected_destinations",
            () => inForce.Current.Health.Backends.Values.Select(b => new Measurement<int>(b.Ejected.Length, new KeyValuePair<string, object?>(FleetTelemetry.BackendTag, b.Backend))),
            "{destination}",
            "Destinations the fleet has ejected, by backend.");
        _meter.CreateObservableGauge(
            "ingressfleet.limit.permits",
            () => limits.ConnectionLimits.SelectMany(p => new[]
            {
                new Measurement<int>(p.Granted, new("ingressfleet.limit", p.Key), new("state", "granted")),
                new Measurement<int>(p.InUse, new("ingressfleet.limit", p.Key), new("state", "in_use")),
                new Measurement<int>(p.Queued, new("ingressfleet.limit", p.Key), new("state", "queued")),
            }),
            "{permit}",
            "This silo's permits of each fleet-wide connection limit: leased, used, and requests queued.");
        _meter.CreateObservableGauge(
            "ingressfleet.limit.rate_share",
            () => limits.RateLimits.Select(b => new Measurement<double>(b.Rate, new KeyValuePair<string, object?>("ingressfleet.limit", b.Key))),
            "{request}/s",
            "This silo's share of each fleet-wide rate limit.");
        _meter.CreateObservableCounter(
            "ingressfleet.limit.rejected",
            () => new[]
            {
                new Measurement<long>(limits.RejectedConnections, new KeyValuePair<string, object?>("reason", "connections")),
                new Measurement<long>(limits.RejectedRate, new KeyValuePair<string, object?>("reason", "rate")),
                new Measurement<long>(limits.RejectedClientConnections, new KeyValuePair<string, object?>("reason", "client_connections")),
                new Measurement<long>(limits.RejectedClientRate, new KeyValuePair<string, object?>("reason", "client_rate")),
            },
            "{request}",
            "Requests refused by a fleet-wide limit: 503 (connections) or 429 (rate) of a whole Ingress; a client's own limits (limit-connections, limit-rps, limit-rpm), 503 unless configured.");
        _meter.CreateObservableGauge(
            "ingressfleet.limit.clients",
            () => limits.ClientLimits.Select(l => new Measurement<int>(l.Clients, new KeyValuePair<string, object?>("ingressfleet.limit", l.Key))),
            "{client}",
            "Clients this silo counts under each Ingress's per-client limits.");
        _meter.CreateObservableCounter("ingressfleet.proxy.fast_path.requests", () => forwarder.Forwarded, "{request}", "Requests forwarded on the HTTP/1.1 fast path (the rest through YARP's forwarder).");
        _meter.CreateObservableGauge("ingressfleet.proxy.fast_path.connections", () => forwarder.Connections, "{connection}", "Connections to backends the HTTP/1.1 fast path holds open, idle and busy.");
        _meter.CreateObservableCounter("ingressfleet.access_log.dropped", () => accessLog.Dropped, "{entry}", "Access log entries dropped because the writer fell behind.");
    }

    public void ForwardStarted(string backend)
    {
        if (_inFlight.Enabled)
        {
            _inFlight.Add(1, new KeyValuePair<string, object?>(FleetTelemetry.BackendTag, backend));
        }
    }

    public void ForwardEnded(string backend, string? upstreamError)
    {
        if (_inFlight.Enabled)
        {
            _inFlight.Add(-1, new KeyValuePair<string, object?>(FleetTelemetry.BackendTag, backend));
        }

        if (upstreamError is not null && _upstreamErrors.Enabled)
        {
            _upstreamErrors.Add(1, new(FleetTelemetry.BackendTag, backend), new("error.type", upstreamError));
        }
    }

    public void Retried(string backend, string reason)
    {
        if (_retries.Enabled)
        {
            _retries.Add(1, new(FleetTelemetry.BackendTag, backend), new("reason", reason));
        }
    }

    public void RequestEnded(long started, string method, int status, string route, string backend)
    {
        if (_duration.Enabled)
        {
            var tags = new TagList
            {
                { "http.request.method", method },
                { "http.response.status_code", status is >= 0 and < 600 ? StatusCodes[status] : status },
                { FleetTelemetry.RouteTag, route },
                { FleetTelemetry.BackendTag, backend },
            };
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}

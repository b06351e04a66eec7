using System.Diagnostics;
using System.Net;
using System.Threading.Channels;

namespace IngressFleet.DataPlane.Telemetry;

/// <summary>One proxied request, as the access log records it. Headers other than Host, User-Agent and X-Request-ID, and the query string, are never kept.</summary>
internal readonly record struct AccessLogEntry(
    DateTimeOffset Time,
    IPAddress? Client,
    string Host,
    string Method,
    string Path,
    string Protocol,
    int Status,
    long Bytes,
    double DurationMs,
    string? Route,
    string? Backend,
    string? Upstream,
    string? UpstreamError,
    ActivityTraceId TraceId,
    string? UserAgent,
    string? RequestId);

using System.Diagnostics;
using IngressFleet.Core.Routing;
using IngressFleet.Core.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Telemetry;

/// <summary>
/// Everything recorded about one proxied request, in one place: the metrics, the access log entry, and the
/// server span's name and attributes (when the request is traced).
/// </summary>
internal sealed class RequestTelemetry(ProxyMetrics metrics, AccessLog accessLog, TimeProvider time)
{
    /// <summary>The route and backend label of requests that matched no rule.</summary>
    public const string NoRoute = "(none)";

    /// <summary>Starts counting the response's bytes when the access log needs them; null otherwise.</summary>
    public CountingStream? Start(HttpContext context)
    {
        if (!accessLog.Enabled)
        {
            return null;
        }

        var counter = new CountingStream(context.Response.Body);
        context.Response.Body = counter;
        return counter;
    }

    public void ForwardStarted(RouteEntry route) => metrics.ForwardStarted(route.BackendKey);

    /// <summary>A failed attempt that is tried again on another destination (nginx's condition name as the reason).</summary>
    public void Retried(RouteEntry route, string reason) => metrics.Retried(route.BackendKey, reason);

    public void Completed(HttpContext context, long started, RouteEntry? route, string? destination, ForwarderError error, CountingStream? body)
    {
        var request = context.Request;
        var status = context.Response.StatusCode;
        var method = NormalizedMethod(request.Method);
        var upstreamError = error == ForwarderError.None ? null : ErrorType(error);
        if (destination is not null)
        {
            metrics.ForwardEnded(route!.BackendKey, upstreamError);
        }

        metrics.RequestEnded(started, method, status, route?.Ingress ?? NoRoute, route?.BackendKey ?? NoRoute);

        var activity = Activity.Current;
        if (activity is { IsAllDataRequested: true })
        {
            Tag(activity, request, method, status, route, destination, upstreamError);
            activity.SetTag("ingressfleet.request_id", Proxy.RequestId.Of(context));
        }

        if (body is not null)
        {
            accessLog.Add(new AccessLogEntry(
                time.GetUtcNow(),
                context.Connection.RemoteIpAddress,
                request.Host.Value ?? string.Empty,
                request.Method,
                request.Path.Value ?? string.Empty,
                request.Protocol,
                status,
                body.Count,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                route?.Ingress,
                route?.BackendKey,
                destination,
                upstreamError,
                activity?.TraceId ?? default,
                request.Headers.UserAgent.Count == 0 ? null : request.Headers.UserAgent.ToString(),
                Proxy.RequestId.Of(context)));
        }
    }

    /// <summary>Names the server span <c>{method} {rule path}</c> and adds the route, backend and destination.</summary>
    private static void Tag(Activity activity, HttpRequest request, string method, int status, RouteEntry? route, string? destination, string? upstreamError)
    {
        var rulePath = route is null ? null : route.Path.Length == 0 ? "(default backend)" : route.Path;
        activity.DisplayName = rulePath is null ? method : $"{method} {rulePath}";
        activity.SetTag("http.request.method", method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        activity.SetTag("http.route", rulePath);
        activity.SetTag("http.response.status_code", status);
        activity.SetTag(FleetTelemetry.RouteTag, route?.Ingress ?? NoRoute);
        activity.SetTag(FleetTelemetry.BackendTag, route?.BackendKey);
        activity.SetTag("ingressfleet.destination", destination);
        if (upstreamError is not null)
        {
            activity.SetTag("error.type", upstreamError);
        }

        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, upstreamError);
        }
    }

    /// <summary>The method as the semantic conventions want it: known methods as they are, anything else <c>_OTHER</c>, so a client cannot mint new series.</summary>
    private static string NormalizedMethod(string method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "DELETE" or "PATCH" or "OPTIONS" or "TRACE" or "CONNECT" => method,
        _ => "_OTHER",
    };

    private static string ErrorType(ForwarderError error) => error switch
    {
        ForwarderError.RequestTimedOut => "timeout",
        ForwarderError.Request => "request",
        ForwarderError.RequestCanceled => "request_canceled",
        ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination => "request_body",
        ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyDestination => "response_body",
        ForwarderError.NoAvailableDestinations => "no_destination",
        _ => error.ToString(),
    };
}

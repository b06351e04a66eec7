using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.Proxy;

/// <summary>
/// The request path: match the route in the current table, pick a destination, forward with YARP's
/// <see cref="IHttpForwarder"/>. Touches no grain and takes no lock; 404 when no rule matches, 503 when
/// the backend has no ready endpoint.
/// </summary>
internal sealed partial class ProxyHandler : IDisposable
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(100) };

    private readonly DataPlane _dataPlane;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ILogger<ProxyHandler> _logger;
    private readonly Hosting.GracefulShutdown _shutdown;
    private readonly Telemetry.RequestTelemetry _telemetry;

    public ProxyHandler(DataPlane dataPlane, IHttpForwarder forwarder, Hosting.GracefulShutdown shutdown, Telemetry.RequestTelemetry telemetry, ILogger<ProxyHandler> logger)
    {
        _dataPlane = dataPlane;
        _shutdown = shutdown;
        _telemetry = telemetry;
        _forwarder = forwarder;
        _logger = logger;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),

            // Replaces the client's trace headers with the forward's own span, so the backend's span is
            // its child; without an active span the client's headers pass through untouched.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var body = _telemetry.Start(context);
        var state = _dataPlane.Current;
        var request = context.Request;
        if (_shutdown.Draining)
        {
            // Clients reconnect, and the load balancer sends the new connection to another silo; closing
            // idle keep-alive connections at shutdown instead would race with requests already on the way.
            context.Response.Headers.Connection = "close";
        }

        var route = state.Routes.Match(request.Host.Value, request.Path.Value);
        string? destination = null;
        var error = ForwarderError.None;
        try
        {
            if (route is null)
            {
                await RespondAsync(context, StatusCodes.Status404NotFound, "no Ingress rule matches this request");
            }
            else if (!state.Backends.TryGetValue(route.BackendKey, out var pool) || pool.Pick() is not { } picked)
            {
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "the backend has no ready endpoint");
            }
            else
            {
                destination = picked;
                _telemetry.ForwardStarted(route);
                error = await _forwarder.SendAsync(context, destination, _client, RequestConfig, ForwardedHeadersTransformer.Instance);
                if (error != ForwarderError.None)
                {
                    Log.ForwardFailed(_logger, route.BackendKey, destination, error, context.GetForwarderErrorFeature()?.Exception);
                }
            }
        }
        finally
        {
            _telemetry.Completed(context, started, route, destination, error, body);
        }
    }

    public void Dispose() => _client.Dispose();

    private static Task RespondAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync($"{status} {ReasonPhrases.GetReasonPhrase(status)}: {reason}\n");
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Information, "Forwarding to backend {Backend} at {Destination} failed: {Error}")]
        public static partial void ForwardFailed(ILogger logger, string backend, string destination, ForwarderError error, Exception? exception);
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using IngressFleet.Model;
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

    /// <summary>H2C and gRPC backends: HTTP/2 by prior knowledge, never a downgrade (gRPC needs trailers).</summary>
    private static readonly ForwarderRequestConfig Http2RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromSeconds(100),
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private readonly DataPlane _dataPlane;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ILogger<ProxyHandler> _logger;
    private readonly Hosting.GracefulShutdown _shutdown;
    private readonly Telemetry.RequestTelemetry _telemetry;
    private readonly string _redirectPortSuffix;

    public ProxyHandler(
        DataPlane dataPlane,
        IHttpForwarder forwarder,
        Hosting.GracefulShutdown shutdown,
        Telemetry.RequestTelemetry telemetry,
        Microsoft.Extensions.Options.IOptions<Hosting.IngressFleetOptions> options,
        ILogger<ProxyHandler> logger)
    {
        var redirectPort = options.Value.HttpsRedirectPort;
        _redirectPortSuffix = redirectPort == 443 ? string.Empty : $":{redirectPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
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

            // Pods present certificates of the cluster's own making, for their pod IP at best; as with
            // nginx's default (proxy_ssl_verify off), TLS to a backend encrypts but does not authenticate.
#pragma warning disable CA5359 // Deliberate, documented: backend certificates are not validated (see above).
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
#pragma warning restore CA5359

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
            else if (route.RedirectToHttps && !request.IsHttps)
            {
                RedirectToHttps(context);
            }
            else if (!state.Backends.TryGetValue(route.BackendKey, out var pool) || pool.Pick(UsesTls(route, pool)) is not { } picked)
            {
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "the backend has no ready endpoint");
            }
            else
            {
                destination = picked;
                if (route.Options.Hsts is { } hsts && request.IsHttps)
                {
                    AddHsts(context, hsts);
                }

                _telemetry.ForwardStarted(route);
                var config = route.Options.BackendProtocol is BackendProtocol.H2c or BackendProtocol.Grpc or BackendProtocol.Grpcs ? Http2RequestConfig : RequestConfig;
                error = await _forwarder.SendAsync(context, destination, _client, config, ForwardedHeadersTransformer.Instance);
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

    private static bool UsesTls(Routing.RouteEntry route, BackendPool pool) => route.Options.BackendProtocol switch
    {
        BackendProtocol.Https or BackendProtocol.Grpcs => true,
        BackendProtocol.Http or BackendProtocol.H2c or BackendProtocol.Grpc => false,
        _ => pool.Endpoints.Tls,
    };

    /// <summary>308 keeps the method and body, unlike 301/302, so a POST is not turned into a GET.</summary>
    private void RedirectToHttps(HttpContext context)
    {
        var request = context.Request;
        var location = string.Concat("https://", request.Host.Host, _redirectPortSuffix, request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>Set when the response starts, so it stands whatever the backend sent.</summary>
    private static void AddHsts(HttpContext context, string hsts) =>
        context.Response.OnStarting(
            static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                response.Headers.StrictTransportSecurity = value;
                return Task.CompletedTask;
            },
            (context.Response, hsts));

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

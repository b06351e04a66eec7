using System.Diagnostics;
using System.Globalization;
using System.Net;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.DataPlane.Admission;
using IngressFleet.DataPlane.AccessControl;
using IngressFleet.DataPlane.ClientIdentity;
using IngressFleet.DataPlane.Health;
using IngressFleet.DataPlane.LoadBalancing;
using IngressFleet.DataPlane.State;
using IngressFleet.DataPlane.Telemetry;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// The request path: match the route in the current table, pick a destination, forward (on the
/// <see cref="FastPath.Http1Forwarder"/>, which leaves what it does not take to YARP's <see cref="IHttpForwarder"/>). Touches no grain and takes no lock; 404 when no rule matches, 503 when
/// the backend has no ready endpoint.
/// </summary>
internal sealed partial class ProxyHandler
{
    private readonly ConfigInForce _inForce;
    private readonly FastPath.Http1Forwarder _forwarder;
    private readonly BackendClients _backends;
    private readonly ILogger<ProxyHandler> _logger;
    private readonly IDrainSignal _drain;
    private readonly RequestTelemetry _telemetry;
    private readonly IPassiveHealthSink _health;
    private readonly AdmissionControl _admission;
    private readonly RequestCounters _counters;
    private readonly ClientAddressResolver _clients;
    private readonly AccessGate _access;
    private readonly string _redirectPortSuffix;
    private readonly bool _sslPassthrough;
    private readonly TimeSpan _firstRateShareWait;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly string? _defaultHsts;
    private readonly long _maxBodySize;
    private readonly int _limitReqStatus;
    private readonly int _limitConnStatus;

    /// <summary>H2C and gRPC backends: HTTP/2 by prior knowledge, never a downgrade (gRPC needs trailers).</summary>
    private readonly ForwarderRequestConfig _http2RequestConfig;

    public ProxyHandler(
        ConfigInForce inForce,
        FastPath.Http1Forwarder forwarder,
        IDrainSignal drain,
        RequestTelemetry telemetry,
        IPassiveHealthSink health,
        AdmissionControl admission,
        RequestCounters counters,
        BackendClients backends,
        ClientAddressResolver clients,
        AccessGate access,
        IOptions<ProxyOptions> options,
        ILogger<ProxyHandler> logger)
    {
        var settings = options.Value;
        var redirectPort = settings.HttpsRedirectPort;
        _redirectPortSuffix = redirectPort == 443 ? string.Empty : $":{redirectPort.ToString(CultureInfo.InvariantCulture)}";
        _sslPassthrough = settings.SslPassthrough;
        _defaultHsts = settings.HstsValue;
        _maxBodySize = settings.MaxRequestBodySize;
        (_limitReqStatus, _limitConnStatus) = (settings.LimitReqStatusCode, settings.LimitConnStatusCode);
        _firstRateShareWait = settings.FirstRateShareWait;
        _requestConfig = new ForwarderRequestConfig { ActivityTimeout = settings.UpstreamActivityTimeout };
        _http2RequestConfig = _requestConfig with { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        _inForce = inForce;
        _drain = drain;
        _telemetry = telemetry;
        _health = health;
        _admission = admission;
        _counters = counters;
        _clients = clients;
        _access = access;
        _forwarder = forwarder;
        _logger = logger;
        _backends = backends;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        _clients.Resolve(context);
        RequestId.Ensure(context);
        var body = _telemetry.Start(context);
        var state = _inForce.Current;
        var request = context.Request;
        if (_drain.Draining)
        {
            // Clients reconnect, and the load balancer sends the new connection to another silo; closing
            // idle keep-alive connections at shutdown instead would race with requests already on the way.
            context.Response.Headers.Connection = "close";
        }

        var route = state.Routes.Match(request.Host.Value, request.Path.Value);

        // Limits are the Ingress's whichever side of a canary a request takes, counted once (as ingress-nginx's zone of the main location).
        var limitedAs = route?.Ingress;
        if (route?.Canary is { } canary && ChoosesCanary(context, canary))
        {
            route = canary.Entry;
        }

        string? destination = null;
        var error = ForwarderError.None;
        ClientCounters? client = null;
        var clientVerdict = ClientVerdict.Admitted;
        _counters.Started();
        try
        {
            if (route is null)
            {
                await RespondAsync(context, StatusCodes.Status404NotFound, "no Ingress rule matches this request");
            }
            else if (route.RedirectToHost is { } toHost)
            {
                Redirect(context, StatusCodes.Status308PermanentRedirect, WwwRedirectLocation(request, toHost));
            }
            else if (route.Options.AppRoot is { } appRoot && request.Path.Value == "/")
            {
                // As nginx's server-level `if ($uri = /)`: only the root itself, query and all, goes to the app.
                Redirect(context, StatusCodes.Status302Found, string.Concat(request.Scheme, "://", request.Host.Value, appRoot));
            }
            else if (route.Options.Redirect is { } fixedRedirect)
            {
                Redirect(context, fixedRedirect.Status, Core.Authentication.RequestVariables.Expand(fixedRedirect.Location, name => NginxVariables.Of(context, name)));
            }
            else if (route.Options.SslPassthrough && request.IsHttps)
            {
                // TLS was ended here for a host whose TLS belongs to its backend: never served as if it were ours.
                await RespondAsync(
                    context,
                    _sslPassthrough ? StatusCodes.Status421MisdirectedRequest : StatusCodes.Status503ServiceUnavailable,
                    _sslPassthrough ? "this connection was set up for another host; this host's TLS is passed through to its backend" : "the Ingress asks for SSL passthrough, which this silo does not do (--ssl-passthrough)");
            }
            else if (route.Options.Cors is { } cors && Cors.CorsHeaders.Apply(context, cors))
            {
                // A preflight, answered.
            }
            else if (route.RedirectToHttps && !request.IsHttps)
            {
                RedirectToHttps(context);
            }
            else if (route.Options.BackendTls is { Unavailable: { } missing })
            {
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, missing);
            }
            else if (!AdmitsBodySize(context, route))
            {
                await RespondAsync(context, StatusCodes.Status413PayloadTooLarge, "the request body is larger than the Ingress takes (proxy-body-size)");
            }
            else if (route.Options.ClientLimit is { } clientLimit && (clientVerdict = EnterClientLimits(context, limitedAs!, clientLimit, out client)) != ClientVerdict.Admitted)
            {
                // Before access control, as nginx's limit_req and limit_conn run before allow/deny and authentication.
                await RespondAsync(
                    context,
                    clientVerdict == ClientVerdict.RateExceeded ? _limitReqStatus : _limitConnStatus,
                    clientVerdict switch
                    {
                        ClientVerdict.RateExceeded => "this client is over the Ingress's request rate (limit-rps, limit-rpm)",
                        ClientVerdict.ConnectionsExceeded => "this client has as many requests in flight as the Ingress allows (limit-connections)",
                        _ => "too many clients are being limited at once",
                    });
            }
            else if (await _access.CheckAsync(context, route.Options, state.Certificates.ClientCertificateFor(request.Host.Value)) is { } refusal)
            {
                await RefuseAsync(context, refusal);
            }
            else if (route.Options.RateLimit is { } rate && _admission.Rate(limitedAs!, rate) is var bucket && !await AdmitAsync(bucket))
            {
                await RejectAsync(context, StatusCodes.Status429TooManyRequests, bucket.RetryAfterSeconds, "the Ingress's fleet-wide rate limit is exceeded", rate: true);
            }
            else if (!state.Backends.TryGetValue(route.BackendKey, out var pool) || pool.Count == 0)
            {
                if (route.Options.ErrorBackend is null)
                {
                    await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "the backend has no ready endpoint");
                }
                else
                {
                    // ingress-nginx sends the request, path and all, to the default-backend annotation's Service.
                    (destination, error) = await ErrorBackendAsync(context, route, state.Backends, StatusCodes.Status503ServiceUnavailable, originalPath: true);
                }
            }
            else
            {
                var permits = route.Options.ConnectionLimit is { } limit ? _admission.Connections(limitedAs!, route.BackendKey, limit) : null;
                if (permits is not null && !await permits.AcquireAsync(context.RequestAborted))
                {
                    await RejectAsync(context, StatusCodes.Status503ServiceUnavailable, 1, "the backend's fleet-wide connection limit is reached and its queue is full or timed out", rate: false);
                }
                else
                {
                    try
                    {
                        (destination, error) = await ForwardAsync(context, route, pool, state.Backends);
                    }
                    finally
                    {
                        permits?.Release();
                    }
                }
            }
        }
        finally
        {
            _counters.Completed();
            client?.Exit();
            _telemetry.Completed(context, started, route, destination, error, body);
        }
    }

    /// <summary>Counts the request against its client's limits, fleet-wide; a client in the Ingress's allowlist is not limited.</summary>
    private ClientVerdict EnterClientLimits(HttpContext context, string ingress, ClientLimit limit, out ClientCounters? entered)
    {
        entered = null;
        if (context.Connection.RemoteIpAddress is not { } address || !limit.Applies(address))
        {
            return ClientVerdict.Admitted;
        }

        ClientVerdict verdict;
        while ((verdict = _admission.Clients(ingress, limit).TryEnter(address, out entered)) == ClientVerdict.Forgotten)
        {
            // The limiter was retired as this request took it: the next lookup makes it anew.
        }

        if (verdict != ClientVerdict.Admitted)
        {
            _admission.RejectedClient(verdict);
        }

        return verdict;
    }

    /// <summary>Picks the destination (affinity cookie, else the Ingress's balancing policy), forwards, and tells passive health how it went.</summary>
    private async Task<(string Destination, ForwarderError Error)> ForwardAsync(
        HttpContext context, RouteEntry route, BackendPool pool, IReadOnlyDictionary<string, BackendPool> backends)
    {
        var traffic = route.Options.Traffic;
        var index = -1;
        if (traffic.AffinityCookie is { } cookieName && context.Request.Cookies[cookieName] is { } id)
        {
            index = pool.FindAffinity(id);
        }

        var sticky = index >= 0;
        if (index < 0)
        {
            index = pool.Pick(traffic.LoadBalancing, traffic.HashBy is { } hashBy ? KeyHash(context, hashBy) : null);
        }

        if (traffic.AffinityCookie is { } name && !sticky)
        {
            AffinityCookies.Set(context, route, name, pool.AffinityId(index));
        }

        if ((route.Options.Hsts ?? _defaultHsts) is { Length: > 0 } hsts && context.Request.IsHttps)
        {
            AddHsts(context, hsts);
        }

        _telemetry.ForwardStarted(route);
        var config = route.Options.BackendProtocol is BackendProtocol.H2c or BackendProtocol.Grpc or BackendProtocol.Grpcs ? _http2RequestConfig : _requestConfig;
        if (route.Options.IdleTimeout is { } idle)
        {
            config = config with { ActivityTimeout = idle };
        }

        var tls = UsesTls(route, pool);
        var client = tls ? _backends.For(route.Options.BackendTls) : _backends.Default;
        // Made on the first failure only (or up front for a policy that holds back statuses): the common request allocates nothing for it.
        var started = Stopwatch.GetTimestamp();
        var policy = route.Options.NextUpstream;
        RetryBudget? retry = null;

        // ingress-nginx's sticky balancer: a client whose cookie names a destination stays on it after a failure
        // unless change-on-failure; a new session moves, and its cookie with it.
        var movesClient = traffic.AffinityCookie is null || !sticky || traffic.Cookie.ChangeOnFailure;
        while (true)
        {
            var destination = pool.Prefix(index, tls);
            // Made only for an Ingress whose statuses are tried again or answered by its error backend.
            var retriesStatus = movesClient && policy.Statuses != 0 && (retry ??= new RetryBudget(policy, pool.Count, context, started)).MayRetryStatus;
            var held = retriesStatus || route.ErrorCodes.Count > 0 ? new HeldResponse(retriesStatus ? retry : null, route.ErrorCodes) : null;

            // One forward to one destination, with passive health told how it went (inline: an async call of its own
            // would cost every request a second state machine).
            pool.Started(index);
            var error = ForwarderError.None;
            try
            {
                error = await _forwarder.SendAsync(context, destination, client, config, TransformerFor(context, route, held));
                if (error != ForwarderError.None)
                {
                    OnForwardFailed(context, route, destination, error);
                }
            }
            finally
            {
                pool.Ended(index);
                if (IsHealthEvidence(error))
                {
                    var answered = held?.Status ?? context.Response.StatusCode;
                    var serverError = error == ForwarderError.None && answered >= 500 && pool.Endpoints.Health.ServerErrorsAreFailures;
                    _health.Record(route.BackendKey, pool.Address(index), error != ForwarderError.None || serverError, serverError);
                }
            }

            if (held is { ForErrorBackend: true, Status: { } code })
            {
                return await ErrorBackendAsync(context, route, backends, code, originalPath: false);
            }

            var reason = held?.Status is { } status ? $"http_{status.ToString(CultureInfo.InvariantCulture)}"
                : error == ForwarderError.None ? null
                : (retry ??= new RetryBudget(policy, pool.Count, context, started)).Reason(error, context);
            if (reason is null || !movesClient || context.Response.HasStarted || retry!.Next(pool, index) is not { } next)
            {
                if (held?.Status is { } unanswered && !context.Response.HasStarted)
                {
                    // Held back for a retry that cannot happen after all: the status stands, its body is gone.
                    context.Response.StatusCode = unanswered;
                }

                return (destination, error);
            }

            // Nothing reached the client: the next destination answers as if it had been the first.
            _telemetry.Retried(route, reason);
            Log.Retrying(_logger, route.BackendKey, destination, reason);
            ResetResponse(context);
            index = next;
            if (traffic.AffinityCookie is { } sticksBy)
            {
                AffinityCookies.Set(context, route, sticksBy, pool.AffinityId(index));
            }
        }
    }


    /// <summary>Whether the canary takes the request: its header, its cookie, else the client's address hashed against the weight.</summary>
    private static bool ChoosesCanary(HttpContext context, CanaryRoute canary)
    {
        var policy = canary.Policy;
        var request = context.Request;
        var header = policy.Header is { } name && request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
        var cookie = policy.Cookie is { } cookieName ? request.Cookies[cookieName] : null;
        var hash = 0UL;
        if (policy.Weight > 0)
        {
            // No address (a Unix socket, say): a side at random, not always the canary.
            Span<byte> bytes = stackalloc byte[16];
            hash = context.Connection.RemoteIpAddress is { } address && address.TryWriteBytes(bytes, out var written)
                ? FleetHash.Of(bytes[..written])
                : (ulong)Random.Shared.NextInt64();
        }

        return canary.Chooses(header, cookie, hash);
    }

    /// <summary>What the backend sees of the request, when the route changes it (<c>upstream-vhost</c>, <c>rewrite-target</c> with <c>x-forwarded-prefix</c>).</summary>
    private static ForwardedHeadersTransformer TransformerFor(HttpContext context, RouteEntry route, HeldResponse? held)
    {
        if (route.Options.UpstreamVhost is null && route.Rewrite is null && route.Options.ConnectTimeout is null && held is null)
        {
            return ForwardedHeadersTransformer.Instance;
        }

        var request = context.Request;
        var rewritten = route.Rewrite?.Apply(
            string.Concat(request.PathBase.Value, request.Path.Value),
            request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            name => NginxVariables.Of(context, name));
        return ForwardedHeadersTransformer.For(route.Options.UpstreamVhost, rewritten, route.Options.ConnectTimeout, held);
    }

    /// <summary>
    /// Whether the request's body is within the Ingress's limit (<c>proxy-body-size</c>, else the listener's):
    /// a declared length over it is refused at once, as nginx does; a chunked body is cut when it passes it.
    /// </summary>
    private bool AdmitsBodySize(HttpContext context, RouteEntry route)
    {
        var limit = route.Options.MaxBodySize ?? _maxBodySize;
        if (limit > 0 && context.Request.ContentLength > limit)
        {
            return false;
        }

        // The listener's limit is Kestrel's own (MaxRequestBodySize); an Ingress's replaces it for its requests.
        if (route.Options.MaxBodySize is { } own
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = own == 0 ? null : own;
        }

        return true;
    }

    /// <summary>
    /// The answer of the Ingress's error backend (<c>default-backend</c> annotation) instead of its own backend's
    /// (<c>custom-http-errors</c>, or no ready endpoint): its status, headers and body go to the client, as nginx's
    /// <c>error_page</c> to a named location does. Without a ready error endpoint, the status alone.
    /// </summary>
    private async Task<(string Destination, ForwarderError Error)> ErrorBackendAsync(
        HttpContext context, RouteEntry route, IReadOnlyDictionary<string, BackendPool> backends, int code, bool originalPath)
    {
        if (route.Options.ErrorBackend is not { } errorBackend || !backends.TryGetValue(errorBackend.Key, out var pool) || pool.Count == 0)
        {
            context.Response.StatusCode = code;
            return (string.Empty, ForwarderError.None);
        }

        var index = pool.Pick(LoadBalancingPolicy.PowerOfTwoChoices);
        var destination = pool.Prefix(index, pool.Endpoints.Tls);
        ResetResponse(context);
        if (!originalPath)
        {
            // The request's body went to the backend already: the error backend gets none (not a second, partial copy).
            ErrorBackendTransformer.SendWithoutBody(context);
        }

        pool.Started(index);
        try
        {
            var error = await _forwarder.SendAsync(context, destination, _backends.Default, _requestConfig, new ErrorBackendTransformer(route, code, originalPath));
            if (error != ForwarderError.None)
            {
                OnForwardFailed(context, route, destination, error);
            }

            return (destination, error);
        }
        finally
        {
            pool.Ended(index);
        }
    }

    /// <summary>Before another destination answers: nothing of the failed attempt's status or error stays.</summary>
    private static void ResetResponse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>() is { } response)
        {
            response.ReasonPhrase = null;
        }

        context.Features.Set<IForwarderErrorFeature>(null);
    }

    /// <summary>A failed forward: nginx's status for a body over the limit, and one log line without a stack.</summary>
    private void OnForwardFailed(HttpContext context, RouteEntry route, string destination, ForwarderError error)
    {
        if (error == ForwarderError.RequestBodyClient && !context.Response.HasStarted
            && context.GetForwarderErrorFeature()?.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // A chunked body that grew past the limit while streaming: nginx's answer, not a generic 400.
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }

        // A failed forward is the client's or the backend's doing, not a fault of ours.
        var reason = Innermost(context.GetForwarderErrorFeature()?.Exception);
        if (IsClientCaused(error))
        {
            Log.ClientAborted(_logger, route.BackendKey, destination, error, reason);
        }
        else
        {
            Log.ForwardFailed(_logger, route.BackendKey, destination, error, reason);
        }
    }

    /// <summary>The client went away or sent a broken request body: not worth more than a debug line.</summary>
    private static bool IsClientCaused(ForwarderError error) =>
        error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;

    private static string Innermost(Exception? exception) => ExceptionChain.Innermost(exception)?.Message ?? "no detail";

    /// <summary>Failures the destination caused (connect, timeout), or success; not the client going away.</summary>
    private static bool IsHealthEvidence(ForwarderError error) =>
        error is ForwarderError.None or ForwarderError.Request or ForwarderError.RequestTimedOut;

    /// <summary>The consistent-hashing key of a request; null (so another policy picks) when the request has none.</summary>
    private static ulong? KeyHash(HttpContext context, HashKey key)
    {
        switch (key.Source)
        {
            case HashSource.Header when context.Request.Headers[key.Name!] is { Count: > 0 } values:
                return FleetHash.Of(values[0]);
            case HashSource.Cookie when context.Request.Cookies[key.Name!] is { } cookie:
                return FleetHash.Of(cookie);
            case HashSource.Variables:
                return FleetHash.Of(Core.Authentication.RequestVariables.Expand(key.Name!, name => NginxVariables.Of(context, name)));
            case HashSource.ClientAddress when context.Connection.RemoteIpAddress is { } address:
                Span<byte> bytes = stackalloc byte[16];
                return address.TryWriteBytes(bytes, out var written) ? FleetHash.Of(bytes[..written]) : null;
            default:
                return null;
        }
    }

    /// <summary>Takes a token of the Ingress's rate share; a new share is waited for once, briefly.</summary>
    private async ValueTask<bool> AdmitAsync(RateBucket bucket)
    {
        if (!bucket.HasShare)
        {
            await bucket.FirstShare.WaitAsync(_firstRateShareWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return bucket.TryTake();
    }

    private Task RejectAsync(HttpContext context, int status, int retryAfterSeconds, string reason, bool rate)
    {
        _admission.Rejected(rate);
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return RespondAsync(context, status, reason);
    }

    private static bool UsesTls(RouteEntry route, BackendPool pool) => route.Options.BackendProtocol switch
    {
        BackendProtocol.Https or BackendProtocol.Grpcs => true,
        BackendProtocol.Http or BackendProtocol.H2c or BackendProtocol.Grpc => false,
        _ => pool.Endpoints.Tls,
    };

    /// <summary>308 keeps the method and body, unlike 301/302, so a POST is not turned into a GET.</summary>
    private static void Redirect(HttpContext context, int status, string location)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
    }

    /// <summary>
    /// ingress-nginx's <c>from-to-www-redirect</c> Location: the same scheme, the other host, the request URI without
    /// a final <c>/</c>. The port is the one the client named in its Host header (ingress-nginx writes the port it
    /// listens on, which behind a load balancer is not the client's).
    /// </summary>
    private static string WwwRedirectLocation(HttpRequest request, string host)
    {
        var uri = NginxVariables.RequestUri(request.HttpContext);
        var port = request.Host.Port is { } p ? $":{p.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        return string.Concat(request.Scheme, "://", host, port, uri.EndsWith('/') ? uri[..^1] : uri);
    }

    private void RedirectToHttps(HttpContext context)
    {
        var request = context.Request;
        var location = string.Concat("https://", request.Host.Host, _redirectPortSuffix, request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>Set when the response starts, so it stands whatever the backend sent.</summary>
    /// <summary>Set before forwarding (no per-request callback); the forward transform drops the backend's own value, so this one stands.</summary>
    private static void AddHsts(HttpContext context, string hsts) => context.Response.Headers.StrictTransportSecurity = hsts;

    private static Task RefuseAsync(HttpContext context, Refusal refusal)
    {
        if (refusal.Location is not null)
        {
            context.Response.StatusCode = refusal.Status;
            context.Response.Headers.Location = refusal.Location;
            return Task.CompletedTask;
        }

        if (refusal.Challenge.Count > 0)
        {
            context.Response.Headers.WWWAuthenticate = refusal.Challenge;
        }

        return RespondAsync(context, refusal.Status, refusal.Reason);
    }

    private static Task RespondAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync($"{status} {ReasonPhrases.GetReasonPhrase(status)}: {reason}\n");
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ProxyHandlerForwardFailed, LogLevel.Information, "Forwarding to backend {Backend} at {Destination} failed: {Error}: {Reason}")]
        public static partial void ForwardFailed(ILogger logger, string backend, string destination, ForwarderError error, string reason);

        [LoggerMessage(EventIds.ProxyHandlerRetrying, LogLevel.Information, "Forwarding to backend {Backend} at {Destination} failed ({Reason}); trying another destination")]
        public static partial void Retrying(ILogger logger, string backend, string destination, string reason);

        [LoggerMessage(EventIds.ProxyHandlerClientAborted, LogLevel.Debug, "Request to backend {Backend} at {Destination} ended by the client: {Error}: {Reason}")]
        public static partial void ClientAborted(ILogger logger, string backend, string destination, ForwarderError error, string reason);
    }
}

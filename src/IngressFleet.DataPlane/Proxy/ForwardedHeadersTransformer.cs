using System.Net.Http.Headers;
using IngressFleet.DataPlane.ClientIdentity;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// Copies the request as YARP does, keeps the client's Host header (backends see the name the client used,
/// as with every Ingress controller), and sets X-Forwarded-For, -Proto, -Host, -Port and X-Real-IP (as nginx
/// sends it) from the client address (<see cref="ClientAddressResolver"/>). Every header a backend may take
/// for the client's identity is replaced or removed; only a trusted proxy's <c>X-Forwarded-Host</c>, <c>-Port</c>
/// and (with <c>ComputeFullForwardedFor</c>) <c>-For</c> chain are passed on. <c>Forwarded</c>, <c>X-Original-Forwarded-For</c> and
/// <c>X-Forwarded-Prefix</c> from clients are removed.
/// An Ingress may change what its backends see (<see cref="For"/>): another Host (<c>upstream-vhost</c>), an
/// <c>X-Forwarded-Prefix</c>, a rewritten path and query (<c>rewrite-target</c>).
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    private readonly string? _host;
    private readonly string? _forwardedPrefix;
    private readonly PathString? _path;
    private readonly QueryString _query;
    private readonly TimeSpan? _connectTimeout;
    private readonly HeldResponse? _held;

    private ForwardedHeadersTransformer(string? host, string? forwardedPrefix, PathString? path, QueryString query, TimeSpan? connectTimeout = null, HeldResponse? held = null)
    {
        _connectTimeout = connectTimeout;
        _held = held;
        _host = host;
        _forwardedPrefix = forwardedPrefix;
        _path = path;
        _query = query;
    }

    /// <summary>For requests whose Ingress changes nothing of what its backends see.</summary>
    public static ForwardedHeadersTransformer Instance { get; } = new(null, null, null, QueryString.Empty);

    /// <summary>One request's transformer, when its Ingress changes what the backend sees; <see cref="Instance"/> otherwise.</summary>
    /// <param name="host">The Host header to send instead of the client's.</param>
    /// <param name="rewritten">The path and query (without <c>?</c>) to send instead of the client's, with the <c>X-Forwarded-Prefix</c> to send.</param>
    /// <param name="connectTimeout">How long opening a connection for this request may take, if not the default.</param>
    /// <param name="held">Where a response that must not reach the client as it is (tried again, or answered by the error backend) is noted instead of sent.</param>
    public static ForwardedHeadersTransformer For(string? host, (string Path, string Query, string? Prefix)? rewritten, TimeSpan? connectTimeout, HeldResponse? held) =>
        host is null && rewritten is null && connectTimeout is null && held is null
            ? Instance
            : new(
                host,
                rewritten?.Prefix,
                rewritten is { } r ? new PathString(r.Path) : null,
                rewritten is { Query.Length: > 0 } q ? new QueryString("?" + q.Query) : QueryString.Empty,
                connectTimeout,
                held);

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        headers.Host = _host ?? request.Host.Value;
        var forwarded = ForwardedValues.Of(httpContext);
        SetHeader(headers, "X-Forwarded-For", forwarded.For);
        SetHeader(headers, "X-Forwarded-Proto", forwarded.Proto);
        SetHeader(headers, "X-Forwarded-Host", forwarded.Host);
        SetHeader(headers, "X-Forwarded-Port", forwarded.Port);
        SetHeader(headers, "X-Real-IP", forwarded.RealIp);
        headers.Remove("Forwarded");
        headers.Remove("X-Original-Forwarded-For");
        SetHeader(headers, "X-Forwarded-Prefix", _forwardedPrefix);
        if (_connectTimeout is { } connectTimeout)
        {
            proxyRequest.Options.Set(BackendConnector.ConnectTimeout, connectTimeout);
        }

        if (_path is { } path)
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, path, _query);
        }
    }

    /// <summary>
    /// The backend's answer, keeping the request's <c>X-Request-ID</c> and the Ingress's <c>Strict-Transport-Security</c>
    /// (set on the response before forwarding) in place of any the backend sent; or nothing, when its status is tried again elsewhere or answered by the error backend.
    /// Not async: it runs for every request.
    /// </summary>
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && _held is { } held && held.HoldsBack((int)proxyResponse.StatusCode))
        {
            // Held back: nothing of it reaches the client; the next destination or the error backend answers.
            return ValueTask.FromResult(false);
        }

        if (proxyResponse is not null)
        {
            proxyResponse.Headers.Remove(RequestId.Header);
            if (httpContext.Response.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.StrictTransportSecurity))
            {
                proxyResponse.Headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.StrictTransportSecurity);
            }
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <summary>Replaces a header of the request to the backend; null or empty removes it.</summary>
    internal static void SetHeader(HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}

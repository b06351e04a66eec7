using System.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// Copies the request as YARP does, keeps the client's Host header (backends see the name the client used,
/// as with every Ingress controller), and sets X-Forwarded-For, -Proto, -Host, -Port and X-Real-IP (as nginx
/// sends it) from the connection. Every header a backend may take for the client's identity is replaced or
/// removed, never trusted: this proxy is the edge. <c>Forwarded</c>, <c>X-Original-Forwarded-For</c> and
/// <c>X-Forwarded-Prefix</c> from clients are removed.
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    public static ForwardedHeadersTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        headers.Host = request.Host.Value;
        SetHeader(headers, "X-Forwarded-For", httpContext.Connection.RemoteIpAddress?.ToString());
        SetHeader(headers, "X-Forwarded-Proto", request.Scheme);
        SetHeader(headers, "X-Forwarded-Host", request.Host.Value);
        SetHeader(headers, "X-Forwarded-Port", httpContext.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetHeader(headers, "X-Real-IP", httpContext.Connection.RemoteIpAddress?.ToString());
        headers.Remove("Forwarded");
        headers.Remove("X-Original-Forwarded-For");
        headers.Remove("X-Forwarded-Prefix");
    }

    private static void SetHeader(HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}

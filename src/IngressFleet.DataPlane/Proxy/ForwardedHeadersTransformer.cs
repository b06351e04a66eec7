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
        var client = httpContext.Connection.RemoteIpAddress?.ToString();
        var trusted = httpContext.Features.Get<TrustedForwarding>();
        SetHeader(headers, "X-Forwarded-For", trusted?.ForwardedFor ?? client);
        SetHeader(headers, "X-Forwarded-Proto", request.Scheme);
        SetHeader(headers, "X-Forwarded-Host", trusted?.Host ?? request.Host.Value);
        SetHeader(headers, "X-Forwarded-Port", trusted?.Port ?? httpContext.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetHeader(headers, "X-Real-IP", client);
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

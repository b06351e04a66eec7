using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using IngressFleet.Core.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// The request an Ingress's error backend gets, as ingress-nginx's custom-errors location sends it: the same method
/// and query, path <c>/</c> (or the original path when the backend has no ready endpoint), and <c>X-Code</c>,
/// <c>X-Format</c>, <c>X-Original-URI</c>, <c>X-Namespace</c>, <c>X-Ingress-Name</c>, <c>X-Service-Name</c>,
/// <c>X-Service-Port</c>, <c>X-Request-ID</c>. After a backend's answer, no body (<see cref="SendWithoutBody"/>): the
/// request's own went to the backend already, if it had one.
/// </summary>
internal sealed class ErrorBackendTransformer(RouteEntry route, int code, bool originalPath) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await ForwardedHeadersTransformer.Instance.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        if (!originalPath)
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, "/", request.QueryString);
            if (proxyRequest.Content is { } empty)
            {
                // YARP's empty content took the request's Content-Length with the other headers: no body is sent, and it says so.
                empty.Headers.ContentLength = 0;
            }
        }

        var headers = proxyRequest.Headers;
        var backend = route.Backend;
        Set(headers, "X-Code", code.ToString(CultureInfo.InvariantCulture));
        Set(headers, "X-Format", request.Headers.Accept.ToString());
        if (!originalPath)
        {
            Set(headers, "X-Original-URI", NginxVariables.RequestUri(httpContext));
        }

        Set(headers, "X-Namespace", backend.Namespace);
        Set(headers, "X-Ingress-Name", route.Ingress[(route.Ingress.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        Set(headers, "X-Service-Name", backend.Service);
        Set(headers, "X-Service-Port", backend.PortNumber > 0 ? backend.PortNumber.ToString(CultureInfo.InvariantCulture) : backend.PortName);
        Set(headers, RequestId.Header, RequestId.Of(httpContext));
    }

    /// <summary>The next forward of this request sends no body (YARP decides by this feature; its content cannot be replaced).</summary>
    public static void SendWithoutBody(HttpContext context) => context.Features.Set<IHttpRequestBodyDetectionFeature>(NoBody.Instance);

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken) =>
        ForwardedHeadersTransformer.Instance.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);

    private static void Set(HttpRequestHeaders headers, string name, string? value) => ForwardedHeadersTransformer.SetHeader(headers, name, value);

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public static NoBody Instance { get; } = new();

        public bool CanHaveBody => false;
    }
}

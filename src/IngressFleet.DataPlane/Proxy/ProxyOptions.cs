using System.ComponentModel.DataAnnotations;
using System.Net;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>The proxy's listeners and its connections to backends.</summary>
public sealed class ProxyOptions : IValidatableObject
{
    /// <summary>The proxy's plain-HTTP port. Default 8080.</summary>
    [Range(1, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>The proxy's HTTPS port (0 turns HTTPS off). Default 8443.</summary>
    [Range(0, 65535)]
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// The port in the <c>Location</c> of HTTP-to-HTTPS redirects: the HTTPS port clients reach, usually the
    /// load balancer's 443 rather than the silo's own. Default 443.
    /// </summary>
    [Range(1, 65535)]
    public int HttpsRedirectPort { get; set; } = 443;

    /// <summary>The address the proxy listens on. Default all IPv4 addresses.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Read the SNI name of every TLS connection and pass those for <c>ssl-passthrough</c> Ingresses' hosts to their backends untouched. Default false (as ingress-nginx's <c>--enable-ssl-passthrough</c>).</summary>
    public bool SslPassthrough { get; set; }

    /// <summary>How long a TLS handshake with a client may take. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long connecting to a backend may take, unless its Ingress says (<c>proxy-connect-timeout</c>). Default 5 s, as ingress-nginx.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan UpstreamConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a forwarded request (a WebSocket or gRPC stream too) may go without any data moving before it is
    /// cancelled, unless its Ingress says (<c>proxy-read-timeout</c>, <c>proxy-send-timeout</c>). Default 60 s, as ingress-nginx.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan UpstreamActivityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The largest request body, in bytes, unless its Ingress says (<c>proxy-body-size</c>); larger gets 413. 0 for no
    /// limit. Default 1048576 (1 MiB), as ingress-nginx's <c>proxy-body-size: 1m</c>, so Ingresses that relied on that
    /// limit keep it.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>The longest connect timeout an Ingress may ask for.</summary>
    internal static TimeSpan MaxConnectTimeout { get; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an idle pooled connection to a backend is kept. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The <c>Strict-Transport-Security</c> value of HTTPS responses for Ingresses that do not set their own
    /// (<c>ingressfleet.io/hsts</c>); <c>off</c> sends none. Default <c>max-age=31536000; includeSubDomains</c>, as ingress-nginx.
    /// </summary>
    public string Hsts { get; set; } = DefaultHsts;

    /// <summary>The header value to send, or null for none.</summary>
    internal string? HstsValue => Core.Translation.Annotations.AnnotationValues.Hsts.Parse(Hsts).Value is { Length: > 0 } value ? value : null;

    /// <summary>ingress-nginx's default: <c>hsts-max-age</c> 31536000, <c>hsts-include-subdomains</c> true, <c>hsts-preload</c> false.</summary>
    public const string DefaultHsts = "max-age=31536000; includeSubDomains";

    /// <summary>The status of a request over its client's <c>limit-rps</c> or <c>limit-rpm</c>. Default 503, as ingress-nginx's <c>limit-req-status-code</c>.</summary>
    [Range(400, 599)]
    public int LimitReqStatusCode { get; set; } = 503;

    /// <summary>The status of a request over its client's <c>limit-connections</c>. Default 503, as ingress-nginx's <c>limit-conn-status-code</c>.</summary>
    [Range(400, 599)]
    public int LimitConnStatusCode { get; set; } = 503;

    /// <summary>How long the first requests of a new rate limit wait for this silo's first share of it. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FirstRateShareWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Forward plain HTTP/1.1 requests on IngressFleet's own pooled connections instead of through YARP's forwarder (which
    /// keeps HTTP/2, gRPC, WebSockets, TLS backends, traced requests and every Ingress that changes the request). Same
    /// answers, less work per request. Default true.
    /// </summary>
    public bool Http1FastPath { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            yield return new ValidationResult($"ListenAddress \"{ListenAddress}\" is not an IP address", [nameof(ListenAddress)]);
        }

        if (!Core.Translation.Annotations.AnnotationValues.Hsts.Parse(Hsts ?? string.Empty).Ok)
        {
            yield return new ValidationResult($"Hsts \"{Hsts}\" {Core.Translation.Annotations.AnnotationValues.Hsts.Expected}", [nameof(Hsts)]);
        }
    }
}

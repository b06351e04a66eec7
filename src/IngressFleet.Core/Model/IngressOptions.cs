namespace IngressFleet.Core.Model;

/// <summary>Per-Ingress behaviour set by annotations.</summary>
/// <param name="SslRedirect">Plain-HTTP requests for a host this Ingress serves with TLS get a 308 to HTTPS.</param>
/// <param name="Hsts">The <c>Strict-Transport-Security</c> value added to its HTTPS responses; empty for none; null for the fleet's default.</param>
/// <param name="BackendProtocol">How its backends are spoken to.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.IngressOptions")]
public sealed record IngressOptions(bool SslRedirect, string? Hsts, BackendProtocol BackendProtocol)
{
    public static IngressOptions Default { get; } = new(SslRedirect: true, Hsts: null, BackendProtocol.Auto);

    /// <summary>How its requests pick a destination.</summary>
    [Id(0)]
    public TrafficPolicy Traffic { get; init; } = TrafficPolicy.Default;

    /// <summary>The fleet-wide cap on requests in flight to each of its backends, if any.</summary>
    [Id(1)]
    public ConnectionLimit? ConnectionLimit { get; init; }

    /// <summary>The fleet-wide rate limit on its requests, if any.</summary>
    [Id(2)]
    public RateLimit? RateLimit { get; init; }

    /// <summary>How its backends' destinations are judged healthy.</summary>
    [Id(3)]
    public HealthPolicy Health { get; init; } = HealthPolicy.Default;

    /// <summary>Which client addresses it admits, if it limits them.</summary>
    [Id(4)]
    public SourceRanges? SourceRanges { get; init; }

    /// <summary>Its basic authentication, if any.</summary>
    [Id(5)]
    public BasicAuth? BasicAuth { get; init; }

    /// <summary>Its CORS answers, if enabled.</summary>
    [Id(6)]
    public CorsPolicy? Cors { get; init; }

    /// <summary>Its external authentication, if any.</summary>
    [Id(7)]
    public ExternalAuth? ExternalAuth { get; init; }

    /// <summary>A client inside its source ranges needs no authentication (<c>satisfy: any</c>); by default both apply.</summary>
    [Id(8)]
    public bool SatisfyAny { get; init; }

    /// <summary>Its client-certificate authentication, if any.</summary>
    [Id(9)]
    public ClientCertificateAuth? ClientCertificate { get; init; }

    /// <summary>How its TLS backends are verified and authenticated to, if set.</summary>
    [Id(10)]
    public BackendTls? BackendTls { get; init; }

    /// <summary>TLS connections for its hosts go untouched to its backend (needs the silos' <c>--ssl-passthrough</c>).</summary>
    [Id(11)]
    public bool SslPassthrough { get; init; }

    /// <summary>Its requests are all redirected there, if set.</summary>
    [Id(12)]
    public FixedRedirect? Redirect { get; init; }

    /// <summary>A request for <c>/</c> is redirected (302) to this path, if set (ingress-nginx's <c>app-root</c>).</summary>
    [Id(13)]
    public string? AppRoot { get; init; }

    /// <summary>Plain-HTTP requests are redirected to HTTPS even when the Ingress has no TLS of its own (TLS ended in front of the fleet).</summary>
    [Id(14)]
    public bool ForceSslRedirect { get; init; }

    /// <summary>Its paths are regular expressions (ingress-nginx's <c>use-regex</c>); with <see cref="RewriteTarget"/> they are too.</summary>
    [Id(15)]
    public bool UseRegex { get; init; }

    /// <summary>What its paths are rewritten to before forwarding (ingress-nginx's <c>rewrite-target</c>), if set.</summary>
    [Id(16)]
    public string? RewriteTarget { get; init; }

    /// <summary>The <c>X-Forwarded-Prefix</c> its backends get beside a <see cref="RewriteTarget"/> (alone it does nothing, as in ingress-nginx), if set.</summary>
    [Id(17)]
    public string? ForwardedPrefix { get; init; }

    /// <summary>The Host header its backends get instead of the client's, if set (ingress-nginx's <c>upstream-vhost</c>).</summary>
    [Id(18)]
    public string? UpstreamVhost { get; init; }

    /// <summary>More host names its hosts answer to, comma-separated, lower case (ingress-nginx's <c>server-alias</c>), if set.</summary>
    [Id(19)]
    public string? ServerAlias { get; init; }

    /// <summary>Requests for <c>www.</c> its host (or its host without <c>www.</c>) are redirected to its host.</summary>
    [Id(20)]
    public bool FromToWwwRedirect { get; init; }

    /// <summary>How long connecting to its backends may take, if it says (ingress-nginx's <c>proxy-connect-timeout</c>).</summary>
    [Id(21)]
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// How long its forwarded requests may go without data moving, if it says: the larger of ingress-nginx's
    /// <c>proxy-read-timeout</c> and <c>proxy-send-timeout</c> (one idle timeout covers both directions).
    /// </summary>
    [Id(22)]
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>The largest request body it takes, in bytes, if it says (ingress-nginx's <c>proxy-body-size</c>); 0 for no limit.</summary>
    [Id(23)]
    public long? MaxBodySize { get; init; }

    /// <summary>When a failed forward is tried again on another destination.</summary>
    [Id(24)]
    public NextUpstream NextUpstream { get; init; } = NextUpstream.Default;

    /// <summary>It is a canary of the Ingress that has its hosts and paths, if set.</summary>
    [Id(25)]
    public CanaryPolicy? Canary { get; init; }

    /// <summary>
    /// The Service that answers for its backend (ingress-nginx's <c>default-backend</c> annotation): the statuses of
    /// <see cref="CustomHttpErrors"/>, and every request while its backend has no ready endpoint. Null if not set.
    /// </summary>
    [Id(26)]
    public BackendRef? ErrorBackend { get; init; }

    /// <summary>The backend statuses <see cref="ErrorBackend"/> answers instead (ingress-nginx's <c>custom-http-errors</c>), comma-separated, ascending; null for none.</summary>
    [Id(27)]
    public string? CustomHttpErrors { get; init; }

    /// <summary>Limits per client address, counted fleet-wide (ingress-nginx's <c>limit-rps</c> and kin); null for none.</summary>
    [Id(28)]
    public ClientLimit? ClientLimit { get; init; }
}

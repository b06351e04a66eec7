namespace IngressFleet.Core.Model;

/// <summary>Per-Ingress behaviour set by annotations.</summary>
/// <param name="SslRedirect">Plain-HTTP requests for a host this Ingress serves with TLS get a 308 to HTTPS.</param>
/// <param name="Hsts">The <c>Strict-Transport-Security</c> value added to its HTTPS responses, or none.</param>
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
}

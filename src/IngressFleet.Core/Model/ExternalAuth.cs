namespace IngressFleet.Core.Model;

/// <summary>
/// External authentication of an Ingress (ingress-nginx's <c>auth-url</c>, the oauth2-proxy pattern): each
/// request is first asked of <see cref="Url"/> (nginx variables allowed); a 2xx lets it through, 401 and 403
/// are answered to the client (401 as a redirect to <see cref="SignIn"/> when set), anything else, the service
/// unreachable included, is a 500: never open.
/// </summary>
/// <param name="Url">The auth service's URL template.</param>
/// <param name="Method">The method of the auth request. Default GET.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.ExternalAuth")]
public sealed record ExternalAuth(string Url, string Method)
{
    /// <summary>Where a client the service answers 401 is sent (302), with the original URL in <see cref="SignInRedirectParam"/>.</summary>
    [Id(0)]
    public string? SignIn { get; init; }

    [Id(1)]
    public string SignInRedirectParam { get; init; } = "rd";

    /// <summary>Comma-separated headers of the auth response set on the request to the backend (removed when the response lacks them).</summary>
    [Id(2)]
    public string ResponseHeaders { get; init; } = string.Empty;

    /// <summary>The <c>X-Auth-Request-Redirect</c> sent to the service; the request URI when null.</summary>
    [Id(3)]
    public string? RequestRedirect { get; init; }

    /// <summary>The service's <c>Set-Cookie</c> reaches the client whatever the response's status, not only on 2xx and 3xx.</summary>
    [Id(4)]
    public bool AlwaysSetCookie { get; init; }

    /// <summary>A template whose value identifies requests the service answers alike; answers are cached under it when set.</summary>
    [Id(5)]
    public string? CacheKey { get; init; }

    /// <summary>Which of the service's statuses are cached, and how long.</summary>
    [Id(6)]
    public AuthCacheDuration CacheDuration { get; init; } = AuthCacheDuration.Default;
}

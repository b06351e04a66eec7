using System.Collections.Frozen;
using System.Collections.Immutable;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation.Annotations;

namespace IngressFleet.Core.Translation;

/// <summary>
/// The annotations that set <see cref="IngressOptions"/>, each with its parser and bounds. Ours are under
/// <c>ingressfleet.io/</c>; the ingress-nginx spelling is read where the meaning is the same, ours winning
/// when both are set. A value out of bounds rejects the Ingress, naming the annotation and the bound; the
/// Ingress's last valid version stays in force.
/// </summary>
public static class IngressAnnotations
{
    private const string Ours = AnnotationCatalog.OurPrefix;
    private const string Nginx = AnnotationCatalog.NginxPrefix;

    public static Annotation<bool> SslRedirect { get; } = new(Ours + "ssl-redirect", Nginx + "ssl-redirect", AnnotationValues.Flag);

    public static Annotation<string> Hsts { get; } = new(Ours + "hsts", null, AnnotationValues.Hsts);

    public static Annotation<BackendProtocol> BackendProtocol { get; } = new(
        Ours + "backend-protocol",
        Nginx + "backend-protocol",
        AnnotationValues.Choice(
            ("HTTP", Model.BackendProtocol.Http),
            ("HTTPS", Model.BackendProtocol.Https),
            ("H2C", Model.BackendProtocol.H2c),
            ("GRPC", Model.BackendProtocol.Grpc),
            ("GRPCS", Model.BackendProtocol.Grpcs)));

    /// <summary>ingress-nginx's <c>ewma</c> (least latency-weighted load) is served by power of two choices over requests in flight.</summary>
    public static Annotation<LoadBalancingPolicy> LoadBalance { get; } = new(
        Ours + "load-balance",
        Nginx + "load-balance",
        AnnotationValues.Choice(
            ("round-robin", LoadBalancingPolicy.RoundRobin),
            ("ewma", LoadBalancingPolicy.PowerOfTwoChoices),
            ("round_robin", LoadBalancingPolicy.RoundRobin),
            ("least-requests", LoadBalancingPolicy.LeastRequests),
            ("least_request", LoadBalancingPolicy.LeastRequests),
            ("power-of-two-choices", LoadBalancingPolicy.PowerOfTwoChoices),
            ("p2c", LoadBalancingPolicy.PowerOfTwoChoices),
            ("random", LoadBalancingPolicy.Random),
            ("consistent-hash", LoadBalancingPolicy.ConsistentHash)));

    public static Annotation<HashKey> HashBy { get; } = new(Ours + "hash-by", null, AnnotationValues.HashBy);

    public static Annotation<string> UpstreamHashBy { get; } = new(Ours + "upstream-hash-by", Nginx + "upstream-hash-by", AnnotationValues.VariablesKey);

    public static Annotation<bool> Affinity { get; } = new(Ours + "affinity", Nginx + "affinity", AnnotationValues.Choice(("cookie", true), ("none", false)));

    public static Annotation<string> AffinityCookieName { get; } = new(
        Ours + "affinity-cookie-name", Nginx + "session-cookie-name", AnnotationValues.Token("cookie name", AnnotationValues.MaxCookieNameLength));

    public static Annotation<string> AffinityMode { get; } = new(Ours + "affinity-mode", Nginx + "affinity-mode", AnnotationValues.Choice(("balanced", "balanced"), ("persistent", "persistent")));

    public static Annotation<string> SessionCookiePath { get; } = new(Ours + "session-cookie-path", Nginx + "session-cookie-path", AnnotationValues.Path);

    public static Annotation<string> SessionCookieDomain { get; } = new(Ours + "session-cookie-domain", Nginx + "session-cookie-domain", AnnotationValues.CookieDomain);

    public static Annotation<string> SessionCookieSameSite { get; } = new(
        Ours + "session-cookie-samesite", Nginx + "session-cookie-samesite", AnnotationValues.Choice(("None", "None"), ("Lax", "Lax"), ("Strict", "Strict")));

    public static Annotation<bool> SessionCookieSecure { get; } = new(Ours + "session-cookie-secure", Nginx + "session-cookie-secure", AnnotationValues.Flag);

    public static Annotation<int> SessionCookieMaxAge { get; } = new(Ours + "session-cookie-max-age", Nginx + "session-cookie-max-age", AnnotationValues.Count(1, 315_360_000));

    public static Annotation<int> SessionCookieExpires { get; } = new(Ours + "session-cookie-expires", Nginx + "session-cookie-expires", AnnotationValues.Count(1, 315_360_000));

    public static Annotation<bool> SessionCookieChangeOnFailure { get; } = new(
        Ours + "session-cookie-change-on-failure", Nginx + "session-cookie-change-on-failure", AnnotationValues.Flag);

    public static Annotation<bool> SessionCookieConditionalSameSiteNone { get; } = new(
        Ours + "session-cookie-conditional-samesite-none", Nginx + "session-cookie-conditional-samesite-none", AnnotationValues.Flag);

    /// <summary>Caps all clients of the Ingress together; ingress-nginx's <c>limit-connections</c> is per client (<see cref="ClientLimitConnections"/>).</summary>
    public static Annotation<int> MaxConnections { get; } = new(Ours + "max-connections", null, AnnotationValues.Count(1, 1_000_000));

    public static Annotation<int> MaxQueue { get; } = new(Ours + "max-queue", null, AnnotationValues.Count(0, 100_000));

    public static Annotation<TimeSpan> QueueTimeout { get; } = new(Ours + "max-queue-timeout", null, AnnotationValues.Duration(TimeSpan.Zero, TimeSpan.FromMinutes(10)));

    /// <summary>Caps all clients of the Ingress together; ingress-nginx's <c>limit-rps</c> is per client (<see cref="ClientLimitRps"/>).</summary>
    public static Annotation<double> LimitRps { get; } = new(Ours + "limit-rps", null, AnnotationValues.Rate(0.001m, 1_000_000m));

    public static Annotation<int> LimitBurst { get; } = new(Ours + "limit-burst", null, AnnotationValues.Count(1, 1_000_000));

    // ingress-nginx's per-client limits: whole numbers, 0 meaning none, as its parser reads them.
    public static Annotation<int> ClientLimitRps { get; } = new(Ours + "client-limit-rps", Nginx + "limit-rps", AnnotationValues.Count(0, 1_000_000));

    public static Annotation<int> ClientLimitRpm { get; } = new(Ours + "client-limit-rpm", Nginx + "limit-rpm", AnnotationValues.Count(0, 60_000_000));

    public static Annotation<int> ClientLimitConnections { get; } = new(Ours + "client-limit-connections", Nginx + "limit-connections", AnnotationValues.Count(0, 1_000_000));

    public static Annotation<int> ClientLimitBurstMultiplier { get; } = new(Ours + "client-limit-burst-multiplier", Nginx + "limit-burst-multiplier", AnnotationValues.Count(0, 1_000));

    public static Annotation<string> ClientLimitAllowlist { get; } = new(Ours + "client-limit-allowlist", Nginx + "limit-allowlist", AnnotationValues.Networks);

    /// <summary>ingress-nginx's older name of <see cref="ClientLimitAllowlist"/>; the newer one wins when both are set, as in ingress-nginx.</summary>
    public static Annotation<string> ClientLimitWhitelist { get; } = new(Ours + "client-limit-whitelist", Nginx + "limit-whitelist", AnnotationValues.Networks);

    public static Annotation<string> HealthCheckPath { get; } = new(Ours + "health-check-path", null, AnnotationValues.Path);

    public static Annotation<TimeSpan> HealthCheckInterval { get; } = new(
        Ours + "health-check-interval", null, AnnotationValues.Duration(TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)));

    public static Annotation<TimeSpan> HealthCheckTimeout { get; } = new(
        Ours + "health-check-timeout", null, AnnotationValues.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)));

    public static Annotation<int> HealthyThreshold { get; } = new(Ours + "health-check-healthy-threshold", null, AnnotationValues.Count(1, 100));

    public static Annotation<int> UnhealthyThreshold { get; } = new(Ours + "health-check-unhealthy-threshold", null, AnnotationValues.Count(1, 100));

    public static Annotation<bool> ServerErrorsAreFailures { get; } = new(Ours + "passive-health-server-errors", null, AnnotationValues.Flag);

    public static Annotation<string> AllowSourceRange { get; } = new(Ours + "allowlist-source-range", Nginx + "allowlist-source-range", AnnotationValues.Networks);

    /// <summary>ingress-nginx's older name of <see cref="AllowSourceRange"/>, which wins when both are set (as in ingress-nginx).</summary>
    public static Annotation<string> WhitelistSourceRange { get; } = new(Ours + "whitelist-source-range", Nginx + "whitelist-source-range", AnnotationValues.Networks);

    public static Annotation<string> DenySourceRange { get; } = new(Ours + "denylist-source-range", Nginx + "denylist-source-range", AnnotationValues.Networks);

    /// <summary><c>basic</c>; <c>digest</c> is read so that it can be refused (not implemented: the Ingress is not served).</summary>
    public static Annotation<string> AuthType { get; } = new(Ours + "auth-type", Nginx + "auth-type", AnnotationValues.Choice(("basic", "basic"), ("digest", "digest")));

    public static Annotation<string> AuthSecret { get; } = new(Ours + "auth-secret", Nginx + "auth-secret", AnnotationValues.SecretName);

    /// <summary>True for <c>auth-map</c> (one key per user), false for <c>auth-file</c> (an htpasswd file in key <c>auth</c>).</summary>
    public static Annotation<bool> AuthSecretType { get; } = new(Ours + "auth-secret-type", Nginx + "auth-secret-type", AnnotationValues.Choice(("auth-file", false), ("auth-map", true)));

    public static Annotation<string> AuthRealm { get; } = new(Ours + "auth-realm", Nginx + "auth-realm", AnnotationValues.Realm);

    public static Annotation<bool> EnableCors { get; } = new(Ours + "enable-cors", Nginx + "enable-cors", AnnotationValues.Flag);

    public static Annotation<string> CorsAllowOrigin { get; } = new(Ours + "cors-allow-origin", Nginx + "cors-allow-origin", AnnotationValues.Origins);

    public static Annotation<string> CorsAllowMethods { get; } = new(Ours + "cors-allow-methods", Nginx + "cors-allow-methods", AnnotationValues.TokenList("methods", star: false));

    public static Annotation<string> CorsAllowHeaders { get; } = new(Ours + "cors-allow-headers", Nginx + "cors-allow-headers", AnnotationValues.TokenList("header names", star: true));

    public static Annotation<string> CorsExposeHeaders { get; } = new(Ours + "cors-expose-headers", Nginx + "cors-expose-headers", AnnotationValues.TokenList("header names", star: true));

    public static Annotation<bool> CorsAllowCredentials { get; } = new(Ours + "cors-allow-credentials", Nginx + "cors-allow-credentials", AnnotationValues.Flag);

    public static Annotation<int> CorsMaxAge { get; } = new(Ours + "cors-max-age", Nginx + "cors-max-age", AnnotationValues.Count(0, int.MaxValue));

    public static Annotation<string> AuthUrl { get; } = new(Ours + "auth-url", Nginx + "auth-url", AnnotationValues.UrlTemplate);

    public static Annotation<string> AuthMethod { get; } = new(Ours + "auth-method", Nginx + "auth-method", AnnotationValues.Method);

    public static Annotation<string> AuthSignin { get; } = new(Ours + "auth-signin", Nginx + "auth-signin", AnnotationValues.UrlTemplate);

    public static Annotation<string> AuthSigninRedirectParam { get; } = new(
        Ours + "auth-signin-redirect-param", Nginx + "auth-signin-redirect-param", AnnotationValues.Token("query parameter name", AnnotationValues.MaxCookieNameLength));

    public static Annotation<string> AuthResponseHeaders { get; } = new(Ours + "auth-response-headers", Nginx + "auth-response-headers", AnnotationValues.TokenList("header names", star: false));

    public static Annotation<string> AuthRequestRedirect { get; } = new(Ours + "auth-request-redirect", Nginx + "auth-request-redirect", AnnotationValues.TextTemplate);

    public static Annotation<bool> AuthAlwaysSetCookie { get; } = new(Ours + "auth-always-set-cookie", Nginx + "auth-always-set-cookie", AnnotationValues.Flag);

    public static Annotation<string> AuthCacheKey { get; } = new(Ours + "auth-cache-key", Nginx + "auth-cache-key", AnnotationValues.TextTemplate);

    public static Annotation<AuthCacheDuration> AuthCacheDuration { get; } = new(Ours + "auth-cache-duration", Nginx + "auth-cache-duration", AnnotationValues.CacheDuration);

    public static Annotation<string> AuthTlsSecret { get; } = new(Ours + "auth-tls-secret", Nginx + "auth-tls-secret", AnnotationValues.SecretName);

    public static Annotation<string> AuthTlsVerifyClient { get; } = new(
        Ours + "auth-tls-verify-client", Nginx + "auth-tls-verify-client", AnnotationValues.Choice(("on", "on"), ("off", "off"), ("optional", "optional"), ("optional_no_ca", "optional_no_ca")));

    public static Annotation<int> AuthTlsVerifyDepth { get; } = new(Ours + "auth-tls-verify-depth", Nginx + "auth-tls-verify-depth", AnnotationValues.Count(1, 10));

    public static Annotation<string> AuthTlsErrorPage { get; } = new(Ours + "auth-tls-error-page", Nginx + "auth-tls-error-page", AnnotationValues.UrlTemplate);

    public static Annotation<bool> AuthTlsPassCertificateToUpstream { get; } = new(
        Ours + "auth-tls-pass-certificate-to-upstream", Nginx + "auth-tls-pass-certificate-to-upstream", AnnotationValues.Flag);

    public static Annotation<string> ProxySslSecret { get; } = new(Ours + "proxy-ssl-secret", Nginx + "proxy-ssl-secret", AnnotationValues.SecretName);

    public static Annotation<bool> ProxySslVerify { get; } = new(Ours + "proxy-ssl-verify", Nginx + "proxy-ssl-verify", AnnotationValues.Choice(("on", true), ("off", false)));

    public static Annotation<int> ProxySslVerifyDepth { get; } = new(Ours + "proxy-ssl-verify-depth", Nginx + "proxy-ssl-verify-depth", AnnotationValues.Count(1, 10));

    public static Annotation<string> ProxySslName { get; } = new(Ours + "proxy-ssl-name", Nginx + "proxy-ssl-name", AnnotationValues.DnsName);

    /// <summary>Read for its bounds only: the name sent as SNI is always the request's host (see the docs).</summary>
    public static Annotation<bool> ProxySslServerName { get; } = new(Ours + "proxy-ssl-server-name", Nginx + "proxy-ssl-server-name", AnnotationValues.Choice(("on", true), ("off", false)));

    public static Annotation<string> ProxySslProtocols { get; } = new(Ours + "proxy-ssl-protocols", Nginx + "proxy-ssl-protocols", AnnotationValues.TlsProtocols);

    public static Annotation<bool> SslPassthrough { get; } = new(Ours + "ssl-passthrough", Nginx + "ssl-passthrough", AnnotationValues.Flag);

    public static Annotation<string> PermanentRedirect { get; } = new(Ours + "permanent-redirect", Nginx + "permanent-redirect", AnnotationValues.UrlTemplate);

    public static Annotation<int> PermanentRedirectCode { get; } = new(Ours + "permanent-redirect-code", Nginx + "permanent-redirect-code", AnnotationValues.Count(300, 308));

    public static Annotation<string> TemporalRedirect { get; } = new(Ours + "temporal-redirect", Nginx + "temporal-redirect", AnnotationValues.UrlTemplate);

    public static Annotation<int> TemporalRedirectCode { get; } = new(Ours + "temporal-redirect-code", Nginx + "temporal-redirect-code", AnnotationValues.Count(300, 308));

    public static Annotation<string> AppRoot { get; } = new(Ours + "app-root", Nginx + "app-root", AnnotationValues.Path);

    public static Annotation<bool> ForceSslRedirect { get; } = new(Ours + "force-ssl-redirect", Nginx + "force-ssl-redirect", AnnotationValues.Flag);

    public static Annotation<bool> UseRegex { get; } = new(Ours + "use-regex", Nginx + "use-regex", AnnotationValues.Flag);

    public static Annotation<string> RewriteTarget { get; } = new(Ours + "rewrite-target", Nginx + "rewrite-target", AnnotationValues.RewriteTarget);

    public static Annotation<string> ForwardedPrefix { get; } = new(Ours + "x-forwarded-prefix", Nginx + "x-forwarded-prefix", AnnotationValues.RewriteTarget);

    public static Annotation<string> UpstreamVhost { get; } = new(Ours + "upstream-vhost", Nginx + "upstream-vhost", AnnotationValues.HostHeader);

    public static Annotation<string> ServerAlias { get; } = new(Ours + "server-alias", Nginx + "server-alias", AnnotationValues.HostNames);

    public static Annotation<bool> FromToWwwRedirect { get; } = new(Ours + "from-to-www-redirect", Nginx + "from-to-www-redirect", AnnotationValues.Flag);

    public static Annotation<TimeSpan> ProxyConnectTimeout { get; } = new(
        Ours + "proxy-connect-timeout", Nginx + "proxy-connect-timeout", AnnotationValues.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)));

    public static Annotation<TimeSpan> ProxyReadTimeout { get; } = new(
        Ours + "proxy-read-timeout", Nginx + "proxy-read-timeout", AnnotationValues.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24)));

    public static Annotation<TimeSpan> ProxySendTimeout { get; } = new(
        Ours + "proxy-send-timeout", Nginx + "proxy-send-timeout", AnnotationValues.Duration(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24)));

    public static Annotation<long> ProxyBodySize { get; } = new(Ours + "proxy-body-size", Nginx + "proxy-body-size", AnnotationValues.Size);

    /// <summary>Read for its bounds only: request bodies are streamed to the backend, never buffered.</summary>
    public static Annotation<long> ClientBodyBufferSize { get; } = new(Ours + "client-body-buffer-size", Nginx + "client-body-buffer-size", AnnotationValues.Size);

    public static Annotation<NextUpstream> ProxyNextUpstream { get; } = new(Ours + "proxy-next-upstream", Nginx + "proxy-next-upstream", AnnotationValues.NextUpstreamConditions);

    public static Annotation<int> ProxyNextUpstreamTries { get; } = new(Ours + "proxy-next-upstream-tries", Nginx + "proxy-next-upstream-tries", AnnotationValues.Count(0, 100));

    public static Annotation<TimeSpan> ProxyNextUpstreamTimeout { get; } = new(
        Ours + "proxy-next-upstream-timeout", Nginx + "proxy-next-upstream-timeout", AnnotationValues.Duration(TimeSpan.Zero, TimeSpan.FromHours(1)));

    public static Annotation<bool> Canary { get; } = new(Ours + "canary", Nginx + "canary", AnnotationValues.Flag);

    public static Annotation<string> CanaryByHeader { get; } = new(Ours + "canary-by-header", Nginx + "canary-by-header", AnnotationValues.Token("header name", AnnotationValues.MaxHeaderNameLength));

    public static Annotation<string> CanaryByHeaderValue { get; } = new(Ours + "canary-by-header-value", Nginx + "canary-by-header-value", AnnotationValues.HeaderValue);

    public static Annotation<string> CanaryByHeaderPattern { get; } = new(Ours + "canary-by-header-pattern", Nginx + "canary-by-header-pattern", AnnotationValues.RegularExpression);

    public static Annotation<string> CanaryByCookie { get; } = new(Ours + "canary-by-cookie", Nginx + "canary-by-cookie", AnnotationValues.Token("cookie name", AnnotationValues.MaxCookieNameLength));

    public static Annotation<int> CanaryWeight { get; } = new(Ours + "canary-weight", Nginx + "canary-weight", AnnotationValues.Count(0, 1_000_000));

    public static Annotation<int> CanaryWeightTotal { get; } = new(Ours + "canary-weight-total", Nginx + "canary-weight-total", AnnotationValues.Count(1, 1_000_000));

    public static Annotation<string> CustomHttpErrors { get; } = new(Ours + "custom-http-errors", Nginx + "custom-http-errors", AnnotationValues.Statuses);

    public static Annotation<string> DefaultBackendService { get; } = new(Ours + "default-backend", Nginx + "default-backend", AnnotationValues.ServicePort);

    /// <summary>True for <c>any</c>: a client inside the source ranges needs no authentication (nginx's <c>satisfy any</c>).</summary>
    public static Annotation<bool> Satisfy { get; } = new(Ours + "satisfy", Nginx + "satisfy", AnnotationValues.Choice(("all", false), ("any", true)));

    /// <summary>The access-control annotations: an error in one rejects the Ingress outright (no last valid version), as an unimplemented one does.</summary>
    public static ImmutableArray<IAnnotation> AccessControl { get; } =
    [
        AllowSourceRange, WhitelistSourceRange, DenySourceRange, AuthType, AuthSecret, AuthSecretType, AuthRealm,
        AuthUrl, AuthMethod, AuthSignin, AuthSigninRedirectParam, AuthResponseHeaders, AuthRequestRedirect, AuthAlwaysSetCookie, AuthCacheKey, AuthCacheDuration,
        Satisfy, AuthTlsSecret, AuthTlsVerifyClient, AuthTlsVerifyDepth, AuthTlsErrorPage, AuthTlsPassCertificateToUpstream,
        ProxySslSecret, ProxySslVerify, ProxySslVerifyDepth, ProxySslName, ProxySslServerName, ProxySslProtocols,
    ];

    /// <summary>The affinity cookie's name unless an annotation names another.</summary>
    public const string DefaultAffinityCookie = "ingressfleet-affinity";

    /// <summary>Every annotation read here, in the order of the docs.</summary>
    public static ImmutableArray<IAnnotation> All { get; } =
    [
        SslRedirect, Hsts, BackendProtocol, LoadBalance, HashBy, UpstreamHashBy, Affinity, AffinityCookieName, AffinityMode,
        SessionCookiePath, SessionCookieDomain, SessionCookieSameSite, SessionCookieSecure, SessionCookieMaxAge, SessionCookieExpires,
        SessionCookieChangeOnFailure, SessionCookieConditionalSameSiteNone, MaxConnections, MaxQueue, QueueTimeout,
        LimitRps, LimitBurst, ClientLimitRps, ClientLimitRpm, ClientLimitConnections, ClientLimitBurstMultiplier, ClientLimitAllowlist, ClientLimitWhitelist,
        HealthCheckPath, HealthCheckInterval, HealthCheckTimeout, HealthyThreshold, UnhealthyThreshold, ServerErrorsAreFailures,
        AllowSourceRange, WhitelistSourceRange, DenySourceRange, AuthType, AuthSecret, AuthSecretType, AuthRealm,
        EnableCors, CorsAllowOrigin, CorsAllowMethods, CorsAllowHeaders, CorsExposeHeaders, CorsAllowCredentials, CorsMaxAge,
        AuthUrl, AuthMethod, AuthSignin, AuthSigninRedirectParam, AuthResponseHeaders, AuthRequestRedirect, AuthAlwaysSetCookie, AuthCacheKey, AuthCacheDuration,
        Satisfy, AuthTlsSecret, AuthTlsVerifyClient, AuthTlsVerifyDepth, AuthTlsErrorPage, AuthTlsPassCertificateToUpstream,
        ProxySslSecret, ProxySslVerify, ProxySslVerifyDepth, ProxySslName, ProxySslServerName, ProxySslProtocols, SslPassthrough,
        PermanentRedirect, PermanentRedirectCode, TemporalRedirect, TemporalRedirectCode, AppRoot, ForceSslRedirect,
        UseRegex, RewriteTarget, ForwardedPrefix, UpstreamVhost, ServerAlias, FromToWwwRedirect,
        ProxyConnectTimeout, ProxyReadTimeout, ProxySendTimeout, ProxyBodySize, ClientBodyBufferSize,
        ProxyNextUpstream, ProxyNextUpstreamTries, ProxyNextUpstreamTimeout,
        Canary, CanaryByHeader, CanaryByHeaderValue, CanaryByHeaderPattern, CanaryByCookie, CanaryWeight, CanaryWeightTotal,
        CustomHttpErrors, DefaultBackendService,
    ];

    /// <summary>Every key read here, ours and ingress-nginx's.</summary>
    public static FrozenSet<string> Keys { get; } = All.SelectMany(a => a.NginxKey is null ? [a.Key] : new[] { a.Key, a.NginxKey }).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Reads the options; adds an error per invalid value.</summary>
    public static IngressOptions Read(IDictionary<string, string>? annotations, List<string> errors, string ingressNamespace = "default")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (annotations is null || annotations.Count == 0)
        {
            return IngressOptions.Default;
        }

        var reader = new AnnotationReader(annotations, errors);
        var defaults = IngressOptions.Default;
        return new IngressOptions(
            reader.TryGet(SslRedirect, out var redirect) ? redirect : defaults.SslRedirect,
            reader.TryGet(Hsts, out var hsts) ? hsts : null,
            reader.TryGet(BackendProtocol, out var protocol) ? protocol : defaults.BackendProtocol)
        {
            Traffic = ReadTraffic(reader),
            ConnectionLimit = ReadConnectionLimit(reader),
            RateLimit = ReadRateLimit(reader),
            ClientLimit = ReadClientLimit(reader),
            Health = ReadHealth(reader),
            SourceRanges = ReadSourceRanges(reader),
            BasicAuth = ReadBasicAuth(reader, ingressNamespace),
            Cors = ReadCors(reader),
            ExternalAuth = ReadExternalAuth(reader),
            SatisfyAny = reader.TryGet(Satisfy, out var any) && any,
            ClientCertificate = ReadClientCertificate(reader, ingressNamespace),
            BackendTls = ReadBackendTls(reader, ingressNamespace),
            SslPassthrough = reader.TryGet(SslPassthrough, out var passthrough) && passthrough,
            Redirect = ReadRedirect(reader),
            AppRoot = reader.TryGet(AppRoot, out var root) ? root : null,
            ForceSslRedirect = reader.TryGet(ForceSslRedirect, out var force) && force,
            UseRegex = reader.TryGet(UseRegex, out var regex) && regex,
            RewriteTarget = reader.TryGet(RewriteTarget, out var target) ? target : null,
            ForwardedPrefix = reader.TryGet(ForwardedPrefix, out var prefix) ? prefix : null,
            UpstreamVhost = reader.TryGet(UpstreamVhost, out var vhost) ? vhost : null,
            ServerAlias = reader.TryGet(ServerAlias, out var aliases) ? aliases : null,
            FromToWwwRedirect = reader.TryGet(FromToWwwRedirect, out var www) && www,
            ConnectTimeout = reader.TryGet(ProxyConnectTimeout, out var connect) ? connect : null,
            IdleTimeout = ReadIdleTimeout(reader),
            MaxBodySize = reader.TryGet(ProxyBodySize, out var bodySize) ? bodySize : null,
            NextUpstream = ReadNextUpstream(reader),
            Canary = ReadCanary(reader),
            ErrorBackend = ReadErrorBackend(reader, ingressNamespace),
            CustomHttpErrors = reader.TryGet(CustomHttpErrors, out var codes) ? codes : null,
        };
    }

    /// <summary>The <c>default-backend</c> annotation's Service port: port 80 unless the value names one.</summary>
    private static BackendRef? ReadErrorBackend(AnnotationReader reader, string ingressNamespace)
    {
        if (!reader.TryGet(DefaultBackendService, out var value))
        {
            return null;
        }

        var backend = BackendRef.FromServicePort(ingressNamespace, value, out var error);
        if (error is not null)
        {
            reader.Reject(DefaultBackendService, error);
        }

        return backend;
    }

    private static CanaryPolicy? ReadCanary(AnnotationReader reader)
    {
        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var header = reader.TryGet(CanaryByHeader, out var h) ? h : null;
        var value = reader.TryGet(CanaryByHeaderValue, out var v) ? v : null;
        var pattern = reader.TryGet(CanaryByHeaderPattern, out var p) ? p : null;
        var cookie = reader.TryGet(CanaryByCookie, out var c) ? c : null;
        var weight = reader.TryGet(CanaryWeight, out var w) ? w : 0;
        var total = reader.TryGet(CanaryWeightTotal, out var t) ? t : 100;
        if (weight > total)
        {
            reader.Reject(CanaryWeight, $"must not be more than canary-weight-total ({total.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }

        return reader.TryGet(Canary, out var canary) && canary ? new CanaryPolicy(header, value, value is null ? pattern : null, cookie, weight, total) : null;
    }

    private static NextUpstream ReadNextUpstream(AnnotationReader reader)
    {
        var conditions = reader.TryGet(ProxyNextUpstream, out var c) ? c : NextUpstream.Default;
        var tries = reader.TryGet(ProxyNextUpstreamTries, out var t) ? t : conditions.Tries;
        var timeout = reader.TryGet(ProxyNextUpstreamTimeout, out var d) ? d : conditions.Timeout;
        var result = conditions with { Tries = tries, Timeout = timeout };
        return result == NextUpstream.Default ? NextUpstream.Default : result;
    }

    /// <summary>One idle timeout for both directions: the larger of the read and send timeouts that are set.</summary>
    private static TimeSpan? ReadIdleTimeout(AnnotationReader reader)
    {
        _ = reader.TryGet(ClientBodyBufferSize, out _);
        TimeSpan? read = reader.TryGet(ProxyReadTimeout, out var r) ? r : null;
        TimeSpan? send = reader.TryGet(ProxySendTimeout, out var s) ? s : null;
        return read is null ? send : send is null ? read : read > send ? read : send;
    }

    private static BackendTls? ReadBackendTls(AnnotationReader reader, string ingressNamespace)
    {
        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var verify = reader.TryGet(ProxySslVerify, out var v) && v;
        var depth = reader.TryGet(ProxySslVerifyDepth, out var d) ? d : 1;
        var name = reader.TryGet(ProxySslName, out var n) ? n : null;
        _ = reader.TryGet(ProxySslServerName, out _);
        var protocols = reader.TryGet(ProxySslProtocols, out var p) ? p : BackendTls.DefaultProtocols;
        if (!reader.TryGet(ProxySslSecret, out var secret))
        {
            if (verify)
            {
                reader.Reject(ProxySslVerify, $"verifying backend certificates needs {ProxySslSecret.NginxKey} (the Secret with ca.crt); the Ingress is not served rather than served unverified");
            }

            return null;
        }

        return SecretKey(reader, ProxySslSecret, secret, ingressNamespace) is { } key ? new BackendTls(key, verify, depth, name, protocols) : null;
    }

    /// <summary>
    /// The <c>namespace/name</c> of a Secret an annotation names (<c>name</c> or <c>namespace/name</c>); null, with an
    /// error, for another namespace: a Secret serves only its own namespace's Ingresses (ingress-nginx's default
    /// <c>allow-cross-namespace-resources: false</c>).
    /// </summary>
    private static string? SecretKey(AnnotationReader reader, IAnnotation annotation, string secret, string ingressNamespace)
    {
        var slash = secret.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && secret[..slash] != ingressNamespace)
        {
            reader.Reject(annotation, $"a Secret in another namespace ({secret[..slash]}) cannot be used; it must be in the Ingress's namespace {ingressNamespace}");
            return null;
        }

        return slash >= 0 ? secret : $"{ingressNamespace}/{secret}";
    }

    /// <summary>A permanent redirect (301 unless its code says otherwise) wins over a temporal one (302), as in ingress-nginx.</summary>
    private static FixedRedirect? ReadRedirect(AnnotationReader reader)
    {
        var permanentCode = reader.TryGet(PermanentRedirectCode, out var p) ? p : 301;
        var temporalCode = reader.TryGet(TemporalRedirectCode, out var t) ? t : 302;
        var temporal = reader.TryGet(TemporalRedirect, out var to) ? new FixedRedirect(to, temporalCode) : null;
        return reader.TryGet(PermanentRedirect, out var url) ? new FixedRedirect(url, permanentCode) : temporal;
    }

    private static ClientCertificateAuth? ReadClientCertificate(AnnotationReader reader, string ingressNamespace)
    {
        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var verify = reader.TryGet(AuthTlsVerifyClient, out var v) ? v : "on";
        var depth = reader.TryGet(AuthTlsVerifyDepth, out var d) ? d : 1;
        var errorPage = reader.TryGet(AuthTlsErrorPage, out var page) ? page : null;
        var pass = reader.TryGet(AuthTlsPassCertificateToUpstream, out var p) && p;
        if (!reader.TryGet(AuthTlsSecret, out var secret))
        {
            return null;
        }

        return SecretKey(reader, AuthTlsSecret, secret, ingressNamespace) is { } key && verify != "off"
            ? new ClientCertificateAuth(key, verify, depth) { ErrorPage = errorPage, PassCertificateToUpstream = pass }
            : null;
    }

    private static ExternalAuth? ReadExternalAuth(AnnotationReader reader)
    {
        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var auth = new ExternalAuth(string.Empty, reader.TryGet(AuthMethod, out var method) ? method : "GET")
        {
            SignIn = reader.TryGet(AuthSignin, out var signin) ? signin : null,
            SignInRedirectParam = reader.TryGet(AuthSigninRedirectParam, out var param) ? param : "rd",
            ResponseHeaders = reader.TryGet(AuthResponseHeaders, out var headers) ? headers : string.Empty,
            RequestRedirect = reader.TryGet(AuthRequestRedirect, out var redirect) ? redirect : null,
            AlwaysSetCookie = reader.TryGet(AuthAlwaysSetCookie, out var always) && always,
            CacheKey = reader.TryGet(AuthCacheKey, out var key) ? key : null,
            CacheDuration = reader.TryGet(AuthCacheDuration, out var duration) ? duration : Model.AuthCacheDuration.Default,
        };
        if (reader.TryGet(AuthUrl, out var url))
        {
            return auth with { Url = url };
        }

        if (reader.Has(AuthUrl))
        {
            return null;
        }

        foreach (var dependent in new IAnnotation[] { AuthSignin, AuthResponseHeaders, AuthCacheKey })
        {
            if (reader.Has(dependent))
            {
                // Without auth-url these protect nothing; a user who set them meant to protect the Ingress.
                reader.Reject(dependent, $"needs {AuthUrl.NginxKey}; the Ingress is not served rather than served unprotected");
            }
        }

        return null;
    }

    private static CorsPolicy? ReadCors(AnnotationReader reader)
    {
        var policy = new CorsPolicy(
            reader.TryGet(CorsAllowOrigin, out var origins) ? origins : "*",
            reader.TryGet(CorsAllowMethods, out var methods) ? methods : CorsPolicy.DefaultMethods,
            reader.TryGet(CorsAllowHeaders, out var headers) ? headers : CorsPolicy.DefaultHeaders,
            reader.TryGet(CorsExposeHeaders, out var exposed) ? exposed : string.Empty,
            !reader.TryGet(CorsAllowCredentials, out var credentials) || credentials,
            reader.TryGet(CorsMaxAge, out var maxAge) ? maxAge : CorsPolicy.DefaultMaxAge);
        return reader.TryGet(EnableCors, out var enabled) && enabled ? policy : null;
    }

    /// <summary>Whether <paramref name="error"/> is about an access-control annotation (see <see cref="AccessControl"/>).</summary>
    public static bool IsAccessControlError(string error) =>
        AccessControl.Any(a => error.StartsWith($"metadata.annotations[{a.Key}]", StringComparison.Ordinal)
            || (a.NginxKey is { } nginx && error.StartsWith($"metadata.annotations[{nginx}]", StringComparison.Ordinal)));

    private static BasicAuth? ReadBasicAuth(AnnotationReader reader, string ingressNamespace)
    {
        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var secret = reader.TryGet(AuthSecret, out var s) ? s : null;
        var authMap = reader.TryGet(AuthSecretType, out var m) && m;
        var realm = reader.TryGet(AuthRealm, out var r) ? r : string.Empty;
        if (!reader.TryGet(AuthType, out var type))
        {
            // As in ingress-nginx, auth-secret alone protects nothing.
            return null;
        }

        if (type == "digest")
        {
            reader.Reject(AuthType, "digest authentication is not implemented; the Ingress is not served rather than served unprotected");
            return null;
        }

        if (secret is null)
        {
            reader.Reject(AuthType, $"basic authentication needs {AuthSecret.NginxKey} (the Secret with the users)");
            return null;
        }

        return SecretKey(reader, AuthSecret, secret, ingressNamespace) is { } key ? new BasicAuth(key, authMap, realm) : null;
    }

    private static SourceRanges? ReadSourceRanges(AnnotationReader reader)
    {
        var whitelist = reader.TryGet(WhitelistSourceRange, out var w) ? w : null;
        var allow = reader.TryGet(AllowSourceRange, out var a) ? a : whitelist;
        var deny = reader.TryGet(DenySourceRange, out var d) ? d : null;
        return allow is null && deny is null ? null : new SourceRanges(allow ?? string.Empty, deny ?? string.Empty);
    }

    private static TrafficPolicy ReadTraffic(AnnotationReader reader)
    {
        var policy = reader.TryGet(LoadBalance, out var chosen) ? chosen : LoadBalancingPolicy.PowerOfTwoChoices;

        // Ours wins when both are set; both are read, so a bad value is reported either way.
        HashKey? nginxHash = reader.TryGet(UpstreamHashBy, out var variables) ? new HashKey(HashSource.Variables, variables) : null;
        HashKey? hashBy = reader.TryGet(HashBy, out var key) ? key : nginxHash;
        if (hashBy is not null)
        {
            policy = LoadBalancingPolicy.ConsistentHash;
        }
        else if (policy == LoadBalancingPolicy.ConsistentHash && !reader.Has(HashBy) && !reader.Has(UpstreamHashBy))
        {
            reader.Reject(LoadBalance, $"\"consistent-hash\" needs {HashBy.Key}");
        }

        // Every value is read whether or not it takes effect, so a bad one is reported either way.
        var cookieName = reader.TryGet(AffinityCookieName, out var name) ? name : DefaultAffinityCookie;
        var cookie = reader.TryGet(Affinity, out var sticky) && sticky ? cookieName : null;
        _ = reader.TryGet(AffinityMode, out _);
        TimeSpan? maxAge = reader.TryGet(SessionCookieMaxAge, out var age) ? TimeSpan.FromSeconds(age) : null;
        TimeSpan? expires = reader.TryGet(SessionCookieExpires, out var e) ? TimeSpan.FromSeconds(e) : null;
        var attributes = new AffinityCookieAttributes(
            reader.TryGet(SessionCookiePath, out var path) ? path : null,
            reader.TryGet(SessionCookieDomain, out var domain) ? domain : null,
            reader.TryGet(SessionCookieSameSite, out var sameSite) ? sameSite : null,
            reader.TryGet(SessionCookieSecure, out var secure) && secure,
            maxAge ?? expires,
            reader.TryGet(SessionCookieChangeOnFailure, out var change) && change,
            reader.TryGet(SessionCookieConditionalSameSiteNone, out var conditional) && conditional);

        return policy == LoadBalancingPolicy.PowerOfTwoChoices && hashBy is null && cookie is null
            ? TrafficPolicy.Default
            : new TrafficPolicy(policy, hashBy, cookie) { Cookie = attributes == AffinityCookieAttributes.Default ? AffinityCookieAttributes.Default : attributes };
    }

    private static ConnectionLimit? ReadConnectionLimit(AnnotationReader reader)
    {
        var queue = reader.TryGet(MaxQueue, out var q) ? q : 100;
        var timeout = reader.TryGet(QueueTimeout, out var t) ? t : TimeSpan.FromSeconds(5);
        return reader.TryGet(MaxConnections, out var max) ? new ConnectionLimit(max, queue, timeout) : null;
    }

    private static RateLimit? ReadRateLimit(AnnotationReader reader)
    {
        int? burst = reader.TryGet(LimitBurst, out var b) ? b : null;
        return reader.TryGet(LimitRps, out var rps) ? new RateLimit(rps, burst ?? (int)Math.Ceiling(rps)) : null;
    }

    private static ClientLimit? ReadClientLimit(AnnotationReader reader)
    {
        // Every value is read whether or not a limit is set, so a bad one is reported either way.
        var rps = reader.TryGet(ClientLimitRps, out var r) ? r : 0;
        var rpm = reader.TryGet(ClientLimitRpm, out var m) ? m : 0;
        var connections = reader.TryGet(ClientLimitConnections, out var c) ? c : 0;
        var multiplier = reader.TryGet(ClientLimitBurstMultiplier, out var b) ? b : ClientLimit.DefaultBurstMultiplier;
        var whitelist = reader.TryGet(ClientLimitWhitelist, out var w) ? w : null;
        var allowlist = reader.TryGet(ClientLimitAllowlist, out var a) ? a : whitelist;
        return rps == 0 && rpm == 0 && connections == 0 ? null : new ClientLimit(rps, rpm, connections, multiplier, allowlist ?? string.Empty);
    }

    private static HealthPolicy ReadHealth(AnnotationReader reader)
    {
        var serverErrors = reader.TryGet(ServerErrorsAreFailures, out var counted) ? counted : HealthPolicy.Default.ServerErrorsAreFailures;
        var interval = reader.TryGet(HealthCheckInterval, out var i) ? i : TimeSpan.FromSeconds(5);
        var timeout = reader.TryGet(HealthCheckTimeout, out var t) ? t : TimeSpan.FromSeconds(2);
        var healthy = reader.TryGet(HealthyThreshold, out var h) ? h : 2;
        var unhealthy = reader.TryGet(UnhealthyThreshold, out var u) ? u : 3;
        HealthCheck? active = reader.TryGet(HealthCheckPath, out var path) ? new HealthCheck(path, interval, timeout, healthy, unhealthy) : null;

        return serverErrors == HealthPolicy.Default.ServerErrorsAreFailures && active is null ? HealthPolicy.Default : new HealthPolicy(serverErrors, active);
    }
}

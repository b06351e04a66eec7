using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>Balancing, affinity, limit and health annotations into <see cref="IngressOptions"/>.</summary>
public sealed class TrafficAnnotationTests
{
    private static IngressOptions Read(params (string Key, string Value)[] annotations)
    {
        var builder = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80);
        foreach (var (key, value) in annotations)
        {
            builder.Annotate(key, value);
        }

        var result = IngressTranslator.Translate(builder.Build());
        Assert.True(result.Value is not null, string.Join("; ", result.Errors));
        return result.Value.Options;
    }

    [Fact]
    public void Defaults_ArePowerOfTwoChoices_NoLimits_PassiveHealthNotCountingServerErrors()
    {
        var options = Read();
        Assert.Equal(TrafficPolicy.Default, options.Traffic);
        Assert.Null(options.ConnectionLimit);
        Assert.Null(options.RateLimit);
        Assert.Equal(HealthPolicy.Default, options.Health);
        Assert.False(options.Health.ServerErrorsAreFailures);
    }

    [Fact]
    public void IngressNginxBalancingAndCookieAnnotations_AreRead()
    {
        const string Nginx = "nginx.ingress.kubernetes.io/";
        Assert.Equal(LoadBalancingPolicy.RoundRobin, Read((Nginx + "load-balance", "round_robin")).Traffic.LoadBalancing);
        Assert.Equal(LoadBalancingPolicy.PowerOfTwoChoices, Read((Nginx + "load-balance", "ewma")).Traffic.LoadBalancing);

        var hashed = Read((Nginx + "upstream-hash-by", "$http_x_user$arg_id")).Traffic;
        Assert.Equal(LoadBalancingPolicy.ConsistentHash, hashed.LoadBalancing);
        Assert.Equal(new HashKey(HashSource.Variables, "$http_x_user$arg_id"), hashed.HashBy);

        // Ours wins when both are set.
        Assert.Equal(HashSource.Header, Read((Nginx + "upstream-hash-by", "$request_uri"), ("ingressfleet.io/hash-by", "header:X-A")).Traffic.HashBy?.Source);

        var sticky = Read(
            (Nginx + "affinity", "cookie"),
            (Nginx + "session-cookie-name", "route"),
            (Nginx + "session-cookie-path", "/app"),
            (Nginx + "session-cookie-domain", ".Example.com"),
            (Nginx + "session-cookie-samesite", "None"),
            (Nginx + "session-cookie-secure", "true"),
            (Nginx + "session-cookie-expires", "172800"),
            (Nginx + "session-cookie-max-age", "3600"),
            (Nginx + "session-cookie-change-on-failure", "true"),
            (Nginx + "session-cookie-conditional-samesite-none", "true"),
            (Nginx + "affinity-mode", "persistent")).Traffic;
        Assert.Equal("route", sticky.AffinityCookie);
        Assert.Equal(new AffinityCookieAttributes("/app", ".example.com", "None", true, TimeSpan.FromHours(1), true, true), sticky.Cookie);
        Assert.Equal(TimeSpan.FromDays(2), Read((Nginx + "affinity", "cookie"), (Nginx + "session-cookie-expires", "172800")).Traffic.Cookie.MaxAge);
    }

    [Fact]
    public void CustomErrors_AndTheErrorBackend_AreRead_AndTheErrorBackendIsResolvedWithTheOthers()
    {
        const string Nginx = "nginx.ingress.kubernetes.io/";
        var ingress = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate(Nginx + "custom-http-errors", "503, 404,503").Annotate(Nginx + "default-backend", "errors:8080").Build()).Value!;

        Assert.Equal("404,503", ingress.Options.CustomHttpErrors);
        Assert.Equal(new BackendRef("default", "errors", 8080, null), ingress.Options.ErrorBackend);
        Assert.Contains(ingress.Options.ErrorBackend, ingress.Backends);
        Assert.Equal([404, 503], IngressFleet.Core.Routing.RouteTableBuilder.Build([ingress]).Match("a.com", "/")!.ErrorCodes.Order());
        Assert.Equal(new BackendRef("default", "errors", 0, "http"), Read((Nginx + "default-backend", "errors:http")).ErrorBackend);
        Assert.Equal(80, Read((Nginx + "default-backend", "errors")).ErrorBackend!.PortNumber);
    }

    [Fact]
    public void TheGlobalDefaultBackend_AnswersCustomErrors_OfIngressesWithoutTheirOwn_AndIsResolved()
    {
        const string Nginx = "nginx.ingress.kubernetes.io/";
        var global = new TranslationOptions { DefaultBackendService = "ingress/fallback:8080" }.DefaultBackend();
        Assert.Equal(new BackendRef("ingress", "fallback", 8080, null), global);
        Assert.Equal(new BackendRef("ingress", "fallback", 80, null), new TranslationOptions { DefaultBackendService = "ingress/fallback" }.DefaultBackend());

        var objects = ClusterObjects.From(
        [
            Objects.Ingress("plain").Rule("a.com", "/", "Prefix", "web", 80).Annotate(Nginx + "custom-http-errors", "404").Build(),
            Objects.Ingress("own").Rule("b.com", "/", "Prefix", "web", 80).Annotate(Nginx + "custom-http-errors", "404").Annotate(Nginx + "default-backend", "errors").Build(),
            Objects.Service("web"),
        ]);
        var config = ConfigTranslator.Translate(objects, IngressClassFilter.Default, RoutingConfig.Empty, [], defaultBackend: global);

        Assert.Equal(global, config.Ingresses["default/plain"].Options.ErrorBackend);
        Assert.Equal("errors", config.Ingresses["default/own"].Options.ErrorBackend!.Service);
        Assert.True(config.Ingresses["ingress/--default-backend"].IsGlobalDefault);
        Assert.Contains("ingress/fallback:8080", config.Backends.Keys);
        Assert.DoesNotContain(config.Ingresses.Values, i => i.IsGlobalDefault && config.Problems.ContainsKey($"Ingress/{i.Namespace}/{i.Name}"));
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/custom-http-errors", "600")]
    [InlineData("nginx.ingress.kubernetes.io/custom-http-errors", "404;503")]
    [InlineData("nginx.ingress.kubernetes.io/default-backend", "Errors")]
    [InlineData("nginx.ingress.kubernetes.io/default-backend", "errors:0")]
    [InlineData("nginx.ingress.kubernetes.io/default-backend", "other/errors")]
    [InlineData("nginx.ingress.kubernetes.io/upstream-hash-by", "request_uri")]
    [InlineData("nginx.ingress.kubernetes.io/upstream-hash-by", "$no_such_variable")]
    [InlineData("nginx.ingress.kubernetes.io/session-cookie-samesite", "Sometimes")]
    [InlineData("nginx.ingress.kubernetes.io/session-cookie-domain", "*.example.com")]
    [InlineData("nginx.ingress.kubernetes.io/affinity-mode", "sticky")]
    public void AnIngressNginxTrafficValueOutOfBounds_RejectsTheIngress(string key, string value)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Build());

        Assert.Contains(result.Errors, e => e.StartsWith($"metadata.annotations[{key}]", StringComparison.Ordinal));
    }

    [Fact]
    public void BalancingHashingAndAffinity_AreRead()
    {
        Assert.Equal(LoadBalancingPolicy.LeastRequests, Read(("ingressfleet.io/load-balance", "least-requests")).Traffic.LoadBalancing);
        var hashed = Read(("ingressfleet.io/hash-by", "header:X-User"));
        Assert.Equal(new TrafficPolicy(LoadBalancingPolicy.ConsistentHash, new HashKey(HashSource.Header, "X-User"), null), hashed.Traffic);
        Assert.Equal(new HashKey(HashSource.ClientAddress, null), Read(("ingressfleet.io/hash-by", "client-address")).Traffic.HashBy);
        Assert.Equal("ingressfleet-affinity", Read(("nginx.ingress.kubernetes.io/affinity", "cookie")).Traffic.AffinityCookie);
        Assert.Equal("route", Read(("ingressfleet.io/affinity", "cookie"), ("nginx.ingress.kubernetes.io/session-cookie-name", "route")).Traffic.AffinityCookie);
    }

    [Fact]
    public void WholeIngressLimits_AreReadFromOurNames()
    {
        Assert.Equal(new ConnectionLimit(20, 100, TimeSpan.FromSeconds(5)), Read(("ingressfleet.io/max-connections", "20")).ConnectionLimit);
        Assert.Equal(new ConnectionLimit(7, 0, TimeSpan.FromMilliseconds(500)), Read(("ingressfleet.io/max-connections", "7"), ("ingressfleet.io/max-queue", "0"), ("ingressfleet.io/max-queue-timeout", "500ms")).ConnectionLimit);
        Assert.Equal(new RateLimit(12.5, 13), Read(("ingressfleet.io/limit-rps", "12.5")).RateLimit);
        Assert.Equal(new RateLimit(100, 10), Read(("ingressfleet.io/limit-rps", "100"), ("ingressfleet.io/limit-burst", "10")).RateLimit);
    }

    [Fact]
    public void NginxLimits_ArePerClient_WithNginxDefaults()
    {
        var nginx = Read(("nginx.ingress.kubernetes.io/limit-rps", "5"), ("nginx.ingress.kubernetes.io/limit-connections", "8"));
        Assert.Null(nginx.RateLimit);
        Assert.Null(nginx.ConnectionLimit);
        Assert.Equal(new ClientLimit(5, 0, 8, ClientLimit.DefaultBurstMultiplier, string.Empty), nginx.ClientLimit);

        var all = Read(
            ("nginx.ingress.kubernetes.io/limit-rpm", "600"),
            ("nginx.ingress.kubernetes.io/limit-burst-multiplier", "2"),
            ("nginx.ingress.kubernetes.io/limit-whitelist", "10.0.0.0/8"),
            ("nginx.ingress.kubernetes.io/limit-allowlist", "192.0.2.7, 10.1.2.3/16"));
        Assert.Equal(new ClientLimit(0, 600, 0, 2, "192.0.2.7/32,10.1.0.0/16"), all.ClientLimit);
        Assert.False(all.ClientLimit!.Applies(System.Net.IPAddress.Parse("10.1.200.1")));
        Assert.True(all.ClientLimit.Applies(System.Net.IPAddress.Parse("10.2.0.1")));

        // ingress-nginx reads 0 as no limit, and a whitelist alone limits nothing.
        Assert.Null(Read(("nginx.ingress.kubernetes.io/limit-rps", "0"), ("nginx.ingress.kubernetes.io/limit-whitelist", "10.0.0.0/8")).ClientLimit);
        Assert.Equal(6, ClientLimit.BucketSize(1, 5));
    }

    [Fact]
    public void ActiveHealthCheck_IsRead_AndGoesToTheBackendFromTheOldestIngress()
    {
        var check = Read(("ingressfleet.io/health-check-path", "/healthz"), ("ingressfleet.io/health-check-interval", "1s"), ("ingressfleet.io/health-check-unhealthy-threshold", "2")).Health;
        Assert.Equal(new HealthPolicy(false, new HealthCheck("/healthz", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 2, 2)), check);

        var older = Objects.Ingress("older").Created(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("ingressfleet.io/health-check-path", "/ready").Build();
        var newer = Objects.Ingress("newer").Rule("b.com", "/", "Prefix", "web", 80).Annotate("ingressfleet.io/passive-health-server-errors", "false").Build();
        var config = ConfigTranslator.Translate(ClusterObjects.From([newer, older, Objects.Service("web")]), IngressClassFilter.Default, RoutingConfig.Empty, []);
        Assert.Equal("/ready", config.Backends["default/web:80"].Health.Active?.Path);
    }

    [Theory]
    [InlineData("ingressfleet.io/load-balance", "fastest")]
    [InlineData("ingressfleet.io/load-balance", "consistent-hash")]
    [InlineData("ingressfleet.io/hash-by", "query:x")]
    [InlineData("ingressfleet.io/affinity", "ip")]
    [InlineData("ingressfleet.io/max-connections", "0")]
    [InlineData("ingressfleet.io/max-connections", "many")]
    [InlineData("ingressfleet.io/limit-rps", "-1")]
    [InlineData("nginx.ingress.kubernetes.io/limit-rps", "12.5")]
    [InlineData("nginx.ingress.kubernetes.io/limit-connections", "-1")]
    [InlineData("nginx.ingress.kubernetes.io/limit-burst-multiplier", "x")]
    [InlineData("nginx.ingress.kubernetes.io/limit-whitelist", "10.0.0.0/33")]
    [InlineData("ingressfleet.io/health-check-path", "healthz")]
    [InlineData("ingressfleet.io/passive-health-server-errors", "maybe")]
    public void InvalidTrafficAnnotation_RejectsTheIngress(string key, string value)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Build());
        Assert.Null(result.Value);
        Assert.Contains(result.Errors, e => e.Contains("metadata.annotations", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidDuration_RejectsTheIngress()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("ingressfleet.io/max-connections", "5").Annotate("ingressfleet.io/max-queue-timeout", "soon").Build());
        Assert.Contains(result.Errors, e => e.Contains("max-queue-timeout", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Net.Http.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Migration;

/// <summary>
/// ingress-nginx's path annotations on real sockets: which requests match, and the path, query, Host and
/// X-Forwarded-Prefix the backend sees; server aliases and the www redirect; and which default backend answers
/// a path miss.
/// </summary>
public sealed class PathAnnotationFixture : IAsyncLifetime
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoBackend _echo = null!;
    private EchoBackend _fallback = null!;
    private StandaloneHost _host = null!;

    public StandaloneHost Host => _host;

    public async Task InitializeAsync()
    {
        _echo = await EchoBackend.StartAsync("echo");
        _fallback = await EchoBackend.StartAsync("fallback");
        _host = await StandaloneHost.StartAsync();
        _host.Write(
            "paths.yaml",
            [
                Objects.Ingress("rewrite").Annotate(Nginx + "use-regex", "true").Annotate(Nginx + "rewrite-target", "/$2")
                    .Rule("rewrite.test", "/something(/|$)(.*)", "ImplementationSpecific", "echo", "http").Build(),
                Objects.Ingress("legacy").Annotate(Nginx + "rewrite-target", "/$2").Annotate(Nginx + "x-forwarded-prefix", "/legacy")
                    .Annotate(Nginx + "upstream-vhost", "legacy.internal")
                    .Rule("legacy.test", "/legacy(/|$)(.*)", "ImplementationSpecific", "echo", "http").Build(),
                Objects.Ingress("regex").Annotate(Nginx + "use-regex", "true")
                    .Rule("regex.test", "/api/v[0-9]+", "ImplementationSpecific", "echo", "http").Build(),
                Objects.Ingress("aliased").Annotate(Nginx + "server-alias", "alias.test")
                    .Rule("aliased.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("site").Annotate(Nginx + "from-to-www-redirect", "true")
                    .Rule("site.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("scoped").Rule("scoped.test", "/app", "Prefix", "echo", "http").Build(),
                Objects.Ingress("catch-all").Default("fallback", 80).Build(),
                Objects.Ingress("sticky").Annotate(Nginx + "affinity", "cookie").Annotate(Nginx + "session-cookie-samesite", "Strict")
                    .Annotate(Nginx + "session-cookie-max-age", "3600").Rule("sticky.test", "/app", "Prefix", "pair", 80).Build(),
                Objects.Ingress("hashed").Annotate(Nginx + "upstream-hash-by", "$request_uri").Rule("hashed.test", "/", "Prefix", "pair", 80).Build(),
                .. ObjectsForBackends.ServiceFor("pair", _echo, _fallback),
                .. ObjectsForBackends.ServiceFor("echo", _echo),
                .. ObjectsForBackends.ServiceFor("fallback", _fallback),
            ]);
        await Eventually.HoldsAsync(async () => (await _host.GetAsync("site.test", "/")).StatusCode == HttpStatusCode.OK, Bound, "site.test served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _echo.DisposeAsync();
        await _fallback.DisposeAsync();
    }
}

public sealed class PathAnnotationTests(PathAnnotationFixture fixture) : IClassFixture<PathAnnotationFixture>
{
    private readonly StandaloneHost _host = fixture.Host;

    [Theory]
    [InlineData("/something/new?x=1", "/new", "?x=1")]
    [InlineData("/SOMETHING", "/", "")]
    [InlineData("/something/", "/", "")]
    [InlineData("/something/a%20b/c", "/a b/c", "")]
    public async Task RewriteTarget_TheBackendSeesThePathBuiltFromTheGroups_AndTheQuery(string request, string path, string query)
    {
        var answer = await GetAsync("rewrite.test", request);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(path, answer.Echo!.Path);
        Assert.Equal(query, answer.Echo.Query);
    }

    [Fact]
    public async Task UpstreamVhost_AndForwardedPrefix_AreWhatTheBackendSees_TheClientsHostStaysInXForwardedHost()
    {
        var answer = await GetAsync("legacy.test", "/legacy/orders/7");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("/orders/7", answer.Echo!.Path);
        Assert.Equal("legacy.internal", answer.Echo.Headers["Host"]);
        Assert.Equal("/legacy", answer.Echo.Headers["X-Forwarded-Prefix"]);
        Assert.Equal("legacy.test", answer.Echo.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task ForwardedPrefix_FromAClient_NeverReachesABackend()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1");
        request.Headers.Host = "regex.test";
        request.Headers.Add("X-Forwarded-Prefix", "/spoofed");
        using var response = await _host.Proxy.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.False(echo!.Headers.ContainsKey("X-Forwarded-Prefix"));
    }

    [Theory]
    [InlineData("/api/v2", HttpStatusCode.OK)]
    [InlineData("/API/V12/orders", HttpStatusCode.OK)]
    [InlineData("/api/vx", HttpStatusCode.NotFound)]
    [InlineData("/other", HttpStatusCode.NotFound)]
    public async Task UseRegex_MatchesCaseInsensitively_FromTheStart(string path, HttpStatusCode status)
    {
        Assert.Equal(status, (await GetAsync("regex.test", path)).Status);
    }

    [Fact]
    public async Task ServerAlias_IsServedAsTheHost_WithTheClientsHost()
    {
        var answer = await GetAsync("alias.test", "/x");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("echo", answer.Echo!.Backend);
        Assert.Equal("alias.test", answer.Echo.Headers["Host"]);
    }

    [Theory]
    [InlineData("www.site.test:8080", "/a/?q=1", "http://site.test:8080/a/?q=1")]
    [InlineData("www.site.test", "/dir/", "http://site.test/dir")]
    [InlineData("www.site.test", "/", "http://site.test")]
    public async Task FromToWwwRedirect_Answers308ToTheHost(string host, string path, string location)
    {
        var answer = await GetAsync(host, path);

        Assert.Equal(HttpStatusCode.PermanentRedirect, answer.Status);
        Assert.Equal(location, answer.Location);
        Assert.Null(answer.Echo);
    }

    [Fact]
    public async Task APathMiss_OnAHostThatARuleNames_Is404_NotAnotherIngresssCatchAll()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("scoped.test", "/other")).Status);
        var unknown = await GetAsync("unknown.test", "/other");
        Assert.Equal("fallback", unknown.Echo?.Backend);
    }

    [Fact]
    public async Task SessionCookie_CarriesIngressNginxsAttributes_AndThePath()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/x");
        request.Headers.Host = "sticky.test";
        using var response = await _host.Proxy.SendAsync(request);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ingressfleet-affinity=", StringComparison.Ordinal));
        foreach (var attribute in new[] { "path=/app", "samesite=strict", "max-age=3600", "httponly" })
        {
            Assert.Contains(attribute, cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UpstreamHashBy_KeepsOneUriOnOneBackend_AndSpreadsMany()
    {
        var backends = new Dictionary<string, string>();
        for (var i = 0; i < 24; i++)
        {
            var uri = $"/item/{i}";
            var first = (await GetAsync("hashed.test", uri)).Echo!.Backend;
            for (var again = 0; again < 3; again++)
            {
                Assert.Equal(first, (await GetAsync("hashed.test", uri)).Echo!.Backend);
            }

            backends[uri] = first;
        }

        Assert.Equal(2, backends.Values.Distinct().Count());
    }

    private async Task<(HttpStatusCode Status, string? Location, EchoResponse? Echo)> GetAsync(string host, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        using var response = await _host.Proxy.SendAsync(request);
        var echo = response.Headers.Contains("X-Echo-Backend") ? await response.Content.ReadFromJsonAsync<EchoResponse>() : null;
        return (response.StatusCode, response.Headers.Location?.OriginalString, echo);
    }
}

using System.Net;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.AccessControl;

/// <summary>ingress-nginx's CORS on real sockets: preflights answered by the proxy, headers on responses for allowed origins only.</summary>
public sealed class CorsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoHost _setup = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _setup = await EchoHost.StartAsync();
        _host = _setup.Host;
        _host.Write(
            "cors.yaml",
            [
                Objects.Ingress("cors").Rule("cors.test", "/", "Prefix", "echo", "http")
                    .Annotate("nginx.ingress.kubernetes.io/enable-cors", "true")
                    .Annotate("nginx.ingress.kubernetes.io/cors-allow-origin", "https://app.example.com, https://*.example.org")
                    .Annotate("nginx.ingress.kubernetes.io/cors-expose-headers", "X-Total")
                    .Annotate("nginx.ingress.kubernetes.io/cors-max-age", "600")
                    .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic")
                    .Annotate("nginx.ingress.kubernetes.io/auth-secret", "nobody").Build(),
                Objects.Ingress("open-cors").Rule("open-cors.test", "/", "Prefix", "echo", "http")
                    .Annotate("nginx.ingress.kubernetes.io/enable-cors", "true").Build(),
            ]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("open-cors.test", "/") == "echo", Bound, "open-cors.test served");
    }

    public async Task DisposeAsync()
    {
        await _setup.DisposeAsync();
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredByTheProxy_BeforeAuthentication()
    {
        using var preflight = await SendAsync(HttpMethod.Options, "cors.test", "https://shop.example.org");

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.False(preflight.Headers.Contains("X-Echo-Backend"), "the preflight reached the backend");
        Assert.Equal("https://shop.example.org", Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(preflight, "Access-Control-Allow-Credentials"));
        Assert.Equal("GET, PUT, POST, DELETE, PATCH, OPTIONS", Header(preflight, "Access-Control-Allow-Methods"));
        Assert.Equal("600", Header(preflight, "Access-Control-Max-Age"));
        Assert.Equal(0, preflight.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Responses_CarryTheHeaders_ForAllowedOriginsOnly()
    {
        // The request itself is not authenticated (the auth Secret is missing: 503), and still carries them.
        using var allowed = await SendAsync(HttpMethod.Get, "cors.test", "https://app.example.com");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, allowed.StatusCode);
        Assert.Equal("https://app.example.com", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("X-Total", Header(allowed, "Access-Control-Expose-Headers"));

        using var other = await SendAsync(HttpMethod.Get, "cors.test", "https://evil.test");
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
        using var otherPreflight = await SendAsync(HttpMethod.Options, "cors.test", "https://evil.test");
        Assert.NotEqual(HttpStatusCode.NoContent, otherPreflight.StatusCode);

        using var any = await SendAsync(HttpMethod.Get, "open-cors.test", "https://whoever.test");
        Assert.Equal(HttpStatusCode.OK, any.StatusCode);
        Assert.Equal("echo", Header(any, "X-Echo-Backend"));
        Assert.Equal("*", Header(any, "Access-Control-Allow-Origin"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string origin)
    {
        var request = new HttpRequestMessage(method, "/");
        request.Headers.Host = host;
        request.Headers.Add("Origin", origin);
        if (method == HttpMethod.Options)
        {
            request.Headers.Add("Access-Control-Request-Method", "PUT");
        }

        return await _host.Proxy.SendAsync(request);
    }
}

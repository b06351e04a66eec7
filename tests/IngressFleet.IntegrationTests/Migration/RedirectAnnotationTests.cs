using System.Net;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Migration;

/// <summary>ingress-nginx's redirect annotations on real sockets: the status and Location a client sees, and what is still proxied.</summary>
public sealed class RedirectAnnotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoHost _setup = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _setup = await EchoHost.StartAsync();
        _host = _setup.Host;
        _host.Write(
            "redirects.yaml",
            [
                Ingress("moved").Annotate("nginx.ingress.kubernetes.io/permanent-redirect", "https://new.example.com$request_uri").Build(),
                Ingress("moved-308").Annotate("nginx.ingress.kubernetes.io/permanent-redirect", "https://new.example.com/")
                    .Annotate("nginx.ingress.kubernetes.io/permanent-redirect-code", "308").Build(),
                Ingress("maintenance").Annotate("nginx.ingress.kubernetes.io/temporal-redirect", "https://status.example.com/").Build(),
                Ingress("both").Annotate("nginx.ingress.kubernetes.io/temporal-redirect", "https://temporal.example.com/")
                    .Annotate("nginx.ingress.kubernetes.io/permanent-redirect", "https://permanent.example.com/").Build(),
                Ingress("app").Annotate("nginx.ingress.kubernetes.io/app-root", "/app1").Build(),
                Ingress("forced").Annotate("nginx.ingress.kubernetes.io/force-ssl-redirect", "true").Build(),
            ]);
        await Eventually.HoldsAsync(async () => (await GetAsync("app.test", "/app1")).Status == HttpStatusCode.OK, Bound, "app.test served");
    }

    public async Task DisposeAsync()
    {
        await _setup.DisposeAsync();
    }

    [Theory]
    [InlineData("moved.test", "/a/b?c=1", HttpStatusCode.MovedPermanently, "https://new.example.com/a/b?c=1")]
    [InlineData("moved-308.test", "/x", HttpStatusCode.PermanentRedirect, "https://new.example.com/")]
    [InlineData("maintenance.test", "/x", HttpStatusCode.Found, "https://status.example.com/")]
    [InlineData("both.test", "/x", HttpStatusCode.MovedPermanently, "https://permanent.example.com/")]
    [InlineData("app.test", "/", HttpStatusCode.Found, "http://app.test/app1")]
    public async Task Redirect_IsAnsweredByTheProxy(string host, string path, HttpStatusCode status, string location)
    {
        var answer = await GetAsync(host, path);

        Assert.Equal(status, answer.Status);
        Assert.Equal(location, answer.Location);
        Assert.Null(answer.Backend);
    }

    [Fact]
    public async Task AppRoot_RedirectsOnlyTheRoot()
    {
        var other = await GetAsync("app.test", "/static/x.css");

        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal("echo", other.Backend);
    }

    [Fact]
    public async Task ForceSslRedirect_RedirectsPlainHttp_WithoutTlsOnTheIngress()
    {
        var answer = await GetAsync("forced.test", "/cart?id=2");

        Assert.Equal(HttpStatusCode.PermanentRedirect, answer.Status);
        Assert.Equal($"https://forced.test:{_host.HttpsPort}/cart?id=2", answer.Location);
    }

    private static IngressBuilder Ingress(string name) => Objects.Ingress(name).Rule($"{name}.test", "/", "Prefix", "echo", "http");

    private async Task<(HttpStatusCode Status, string? Location, string? Backend)> GetAsync(string host, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _host.Proxy.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.Location?.OriginalString, response.Headers.TryGetValues("X-Echo-Backend", out var b) ? b.First() : null);
    }
}

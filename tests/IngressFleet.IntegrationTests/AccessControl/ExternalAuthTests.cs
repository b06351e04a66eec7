using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.AccessControl;

/// <summary>
/// External authentication, the oauth2-proxy pattern, against an auth service in the test: it allows, refuses,
/// redirects to sign-in, sets headers for the backend and cookies for the client; down, it never lets a request through.
/// </summary>
public sealed class ExternalAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly ConcurrentQueue<IHeaderDictionary> _asked = new();
    private WebApplication _auth = null!;
    private EchoHost _setup = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _auth = LoopbackApp.Create();
        _auth.Run(context =>
        {
            _asked.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value)));
            switch (context.Request.Headers.Authorization.ToString())
            {
                case "Bearer good":
                    context.Response.Headers["X-Auth-Request-User"] = "ann";
                    context.Response.Headers.SetCookie = "session=fresh; Path=/";
                    context.Response.StatusCode = 202;
                    break;
                case "Bearer forbidden":
                    context.Response.StatusCode = 403;
                    break;
                case "Bearer broken":
                    context.Response.StatusCode = 502;
                    break;
                default:
                    context.Response.Headers.WWWAuthenticate = "Bearer realm=\"test\"";
                    context.Response.StatusCode = 401;
                    break;
            }

            return Task.CompletedTask;
        });
        var auth = await LoopbackApp.StartAsync(_auth);
        _setup = await EchoHost.StartAsync();
        _host = _setup.Host;
        var closed = FreePorts.Take(1)[0];
        _host.Write(
            "external.yaml",
            [
                Guarded("ext", $"http://127.0.0.1:{auth.Port}/check?for=$host$escaped_request_uri").Annotate("nginx.ingress.kubernetes.io/auth-response-headers", "X-Auth-Request-User").Build(),
                Guarded("signin", $"http://127.0.0.1:{auth.Port}/check").Annotate("nginx.ingress.kubernetes.io/auth-signin", "https://login.example/oauth2/start").Build(),
                Guarded("down", $"http://127.0.0.1:{closed}/check").Build(),
                Guarded("cached", $"http://127.0.0.1:{auth.Port}/check")
                    .Annotate("nginx.ingress.kubernetes.io/auth-cache-key", "$http_authorization").Annotate("nginx.ingress.kubernetes.io/auth-cache-duration", "202 1m").Build(),
            ]);
        await Eventually.HoldsAsync(async () => (await SendAsync("ext.test", "good")).StatusCode == HttpStatusCode.OK, Bound, "ext.test served");
    }

    public async Task DisposeAsync()
    {
        await _setup.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Fact]
    public async Task Admitted_TheServiceSeesTheOriginalRequest_AndItsHeadersReachTheBackend()
    {
        _asked.Clear();
        using var response = await SendAsync("ext.test", "good", "/shop/cart?id=7", ("X-Auth-Request-User", "mallory"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();
        Assert.Equal("ann", echo!.Headers["X-Auth-Request-User"]);
        Assert.Contains("session=fresh; Path=/", response.Headers.GetValues("Set-Cookie"));

        var asked = Assert.Single(_asked);
        Assert.Equal("http://ext.test/shop/cart?id=7", asked["X-Original-URL"].ToString());
        Assert.Equal("GET", asked["X-Original-Method"].ToString());
        Assert.Equal("/shop/cart?id=7", asked["X-Auth-Request-Redirect"].ToString());
        Assert.Equal("127.0.0.1", asked["X-Real-IP"].ToString());
        Assert.Equal("Bearer good", asked["Authorization"].ToString());
    }

    [Fact]
    public async Task Refusals_AreAnsweredAsNginxDoes_AndNothingReachesTheBackend()
    {
        using var unauthenticated = await SendAsync("ext.test", null);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal("Bearer realm=\"test\"", unauthenticated.Headers.WwwAuthenticate.ToString());
        Assert.False(unauthenticated.Headers.Contains("X-Echo-Backend"));

        using var forbidden = await SendAsync("ext.test", "forbidden");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var broken = await SendAsync("ext.test", "broken");
        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);

        using var signIn = await SendAsync("signin.test", null, "/a b?x=1");
        Assert.Equal(HttpStatusCode.Found, signIn.StatusCode);
        Assert.Equal("https://login.example/oauth2/start?rd=http%3A%2F%2Fsignin.test%2Fa%2520b%3Fx%3D1", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnAuthServiceThatIsDown_NeverLetsARequestThrough()
    {
        using var response = await SendAsync("down.test", "good");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Echo-Backend"));
    }

    [Fact]
    public async Task CachedAnswers_AreNotAskedAgain_PerKey()
    {
        using (var first = await SendAsync("cached.test", "good"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _asked.Clear();
        for (var i = 0; i < 3; i++)
        {
            using var again = await SendAsync("cached.test", "good");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Empty(_asked);
        using var other = await SendAsync("cached.test", null);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Single(_asked);
    }

    private static IngressBuilder Guarded(string name, string url) =>
        Objects.Ingress(name).Rule($"{name}.test", "/", "Prefix", "echo", "http").Annotate("nginx.ingress.kubernetes.io/auth-url", url);

    private async Task<HttpResponseMessage> SendAsync(string host, string? bearer, string path = "/", params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {bearer}");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Redirects are what is tested: not followed. The body is read before the client goes.
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _host.Proxy.BaseAddress };
        return await client.SendAsync(request);
    }
}

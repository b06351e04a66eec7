using System.Net;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.Migration;

/// <summary>
/// ingress-nginx's <c>proxy-next-upstream</c> on real sockets: a request that fails on one destination is answered
/// by another, as ingress-nginx's default (<c>error timeout</c>, 3 tries) does; with <c>off</c> the failure reaches
/// the client; a status is tried again only when the policy names it, and never for a request whose body was sent.
/// </summary>
public sealed class NextUpstreamFixture : IAsyncLifetime
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";
    private EchoBackend _echo = null!;
    private WebApplication _unavailable = null!;
    private StandaloneHost _host = null!;

    public StandaloneHost Host => _host;

    public async Task InitializeAsync()
    {
        _echo = await EchoBackend.StartAsync("echo");
        (_unavailable, var unavailablePort) = await LoopbackApp.StartAnsweringAsync(StatusCodes.Status503ServiceUnavailable);
        var deadPort = FreePorts.Take(1)[0];
        _host = await StandaloneHost.StartAsync();
        _host.Write(
            "next-upstream.yaml",
            [
                Ingress("default", "dead-a").Build(),
                Ingress("off", "dead-b").Annotate(Nginx + "proxy-next-upstream", "off").Build(),
                Ingress("statuses", "unavailable-a").Annotate(Nginx + "proxy-next-upstream", "error timeout http_503").Build(),
                Ingress("errors-only", "unavailable-b").Build(),
                .. Service("dead-a", deadPort),
                .. Service("dead-b", deadPort),
                .. Service("unavailable-a", unavailablePort),
                .. Service("unavailable-b", unavailablePort),
                Objects.Ingress("custom-errors").Rule("custom-errors.test", "/", "Prefix", "only-unavailable", 80)
                    .Annotate(Nginx + "custom-http-errors", "404, 503").Annotate(Nginx + "default-backend", "error-pages").Build(),
                Objects.Ingress("other-errors").Rule("other-errors.test", "/", "Prefix", "only-unavailable", 80)
                    .Annotate(Nginx + "custom-http-errors", "404").Annotate(Nginx + "default-backend", "error-pages").Build(),
                Objects.Ingress("no-endpoints").Rule("no-endpoints.test", "/", "Prefix", "empty", 80)
                    .Annotate(Nginx + "default-backend", "error-pages").Build(),
                .. ObjectsForBackends.ServiceFor("only-unavailable", "http", unavailablePort),
                .. ObjectsForBackends.ServiceFor("empty", "http"),
                .. ObjectsForBackends.ServiceFor("error-pages", _echo),
            ]);
        await Eventually.HoldsAsync(async () => (await _host.GetAsync("errors-only.test", "/")).StatusCode != HttpStatusCode.NotFound, TimeSpan.FromSeconds(15), "the Ingresses served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _echo.DisposeAsync();
        await _unavailable.DisposeAsync();
    }

    /// <summary>
    /// Round robin, so the failing destination's turn comes every other request. Each Ingress has a Service of its
    /// own: one test's failures (which passive health counts) never eject a destination another test needs.
    /// </summary>
    private static IngressBuilder Ingress(string name, string failing) =>
        Objects.Ingress(name).Rule($"{name}.test", "/", "Prefix", failing, 80).Annotate("ingressfleet.io/load-balance", "round-robin");

    /// <summary>A Service with two endpoints: the echo backend, and <paramref name="port"/>.</summary>
    private object[] Service(string name, int port) => ObjectsForBackends.ServiceFor(name, "http", _echo.Port, port);
}

public sealed class NextUpstreamTests(NextUpstreamFixture fixture) : IClassFixture<NextUpstreamFixture>
{
    private const int Requests = 12;
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task ByDefault_ADestinationThatRefusesConnections_IsSkipped_ForEveryMethod()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post })
        {
            var statuses = await SendManyAsync("default.test", method);

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }
    }

    [Fact]
    public async Task Off_TheFailureReachesTheClient()
    {
        var statuses = await SendManyAsync("off.test", HttpMethod.Get);

        Assert.Contains(HttpStatusCode.BadGateway, statuses);
    }

    [Fact]
    public async Task AStatusNamedByThePolicy_IsTriedAgain_ButNotForARequestWithABody()
    {
        Assert.All(await SendManyAsync("statuses.test", HttpMethod.Get), s => Assert.Equal(HttpStatusCode.OK, s));

        // The body was streamed to the first destination: it cannot be sent again, so its answer stands.
        Assert.Contains(HttpStatusCode.ServiceUnavailable, await SendManyAsync("statuses.test", HttpMethod.Post));

        // Not named: the 503 is the answer.
        Assert.Contains(HttpStatusCode.ServiceUnavailable, await SendManyAsync("errors-only.test", HttpMethod.Get));
    }

    [Fact]
    public async Task CustomHttpErrors_TheErrorBackendAnswers_WithIngressNginxsHeaders()
    {
        var (status, echo) = await SendForEchoAsync("custom-errors.test", "/orders/7?page=2");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/", echo!.Path);
        Assert.Equal("?page=2", echo.Query);
        Assert.Equal("503", echo.Headers["X-Code"]);
        Assert.Equal("/orders/7?page=2", echo.Headers["X-Original-URI"]);
        Assert.Equal("default", echo.Headers["X-Namespace"]);
        Assert.Equal("custom-errors", echo.Headers["X-Ingress-Name"]);
        Assert.Equal("only-unavailable", echo.Headers["X-Service-Name"]);
        Assert.Equal("80", echo.Headers["X-Service-Port"]);
        Assert.Matches("^[0-9a-f]{32}$", echo.Headers["X-Request-ID"]);

        // A request with a body: its body went to the backend, so the error backend gets the method without it.
        var (postStatus, postEcho) = await SendForEchoAsync("custom-errors.test", "/orders", HttpMethod.Post, "order=1");
        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal("POST", postEcho!.Method);
        Assert.Equal(string.Empty, postEcho.Body);

        // A status the Ingress does not list reaches the client as the backend sent it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendForEchoAsync("other-errors.test", "/")).Status);
    }

    [Fact]
    public async Task DefaultBackendAnnotation_AnswersWhileTheBackendHasNoEndpoint_WithTheOriginalPath()
    {
        var (status, echo) = await SendForEchoAsync("no-endpoints.test", "/orders?x=1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/orders", echo!.Path);
        Assert.Equal("503", echo.Headers["X-Code"]);
        Assert.False(echo.Headers.ContainsKey("X-Original-URI"));

        // Nothing was sent to the backend: the error backend gets the request whole, body and all.
        var (postStatus, postEcho) = await SendForEchoAsync("no-endpoints.test", "/orders", HttpMethod.Post, "order=2");
        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal("order=2", postEcho!.Body);
    }

    private async Task<(HttpStatusCode Status, Host.Demo.EchoResponse? Echo)> SendForEchoAsync(string host, string pathAndQuery, HttpMethod? method = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await _host.Proxy.SendAsync(request);
        var echo = response.Content.Headers.ContentType?.MediaType == "application/json"
            ? await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Host.Demo.EchoResponse>(response.Content)
            : null;
        return (response.StatusCode, echo);
    }

    private async Task<List<HttpStatusCode>> SendManyAsync(string host, HttpMethod method)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Requests; i++)
        {
            statuses.Add(await SendAsync(host, method));
        }

        return statuses;
    }

    private async Task<HttpStatusCode> SendAsync(string host, HttpMethod method)
    {
        using var request = new HttpRequestMessage(method, "/x");
        request.Headers.Host = host;
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("order=1");
        }

        using var response = await _host.Proxy.SendAsync(request);
        return response.StatusCode;
    }
}

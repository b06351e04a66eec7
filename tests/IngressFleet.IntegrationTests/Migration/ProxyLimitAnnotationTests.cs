using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Migration;

/// <summary>
/// ingress-nginx's body-size, timeout and per-client limit annotations and its X-Request-ID, on real sockets: the
/// status a client gets, whether the backend was reached, and the id the client, the backend and the access log share.
/// Clients come from their own loopback addresses, as distinct clients do.
/// </summary>
public sealed class ProxyLimitAnnotationFixture : IAsyncLifetime
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";
    private EchoBackend _echo = null!;
    private SlowBackend _slow = null!;
    private StandaloneHost _host = null!;

    public StandaloneHost Host => _host;

    public async Task InitializeAsync()
    {
        _echo = await EchoBackend.StartAsync("echo");
        _slow = await SlowBackend.StartAsync(TimeSpan.FromSeconds(2));
        _host = await StandaloneHost.StartAsync();
        _host.Write(
            "limits.yaml",
            [
                Objects.Ingress("small").Annotate(Nginx + "proxy-body-size", "1k").Rule("small.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("unlimited").Annotate(Nginx + "proxy-body-size", "0").Rule("unlimited.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("default").Rule("default.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("impatient").Annotate(Nginx + "proxy-read-timeout", "500ms").Rule("impatient.test", "/", "Prefix", "slow", 80).Build(),
                Objects.Ingress("patient").Rule("patient.test", "/", "Prefix", "slow", 80).Build(),
                Objects.Ingress("client-connections").Annotate(Nginx + "limit-connections", "8").Rule("client-connections.test", "/", "Prefix", "slow", 80).Build(),
                Objects.Ingress("client-rps").Annotate(Nginx + "limit-rps", "1").Annotate(Nginx + "limit-burst-multiplier", "2").Rule("client-rps.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("client-rpm").Annotate(Nginx + "limit-rpm", "3").Annotate(Nginx + "limit-burst-multiplier", "1").Rule("client-rpm.test", "/", "Prefix", "echo", "http").Build(),
                Objects.Ingress("client-allowlist").Annotate(Nginx + "limit-rpm", "1").Annotate(Nginx + "limit-whitelist", "127.4.0.9/32")
                    .Rule("client-allowlist.test", "/", "Prefix", "echo", "http").Build(),
                .. ObjectsForBackends.ServiceFor("slow", _slow.Port, "http"),
                .. ObjectsForBackends.ServiceFor("echo", _echo),
            ]);
        await Eventually.HoldsAsync(async () => (await _host.GetAsync("default.test", "/")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "default.test served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _echo.DisposeAsync();
        await _slow.DisposeAsync();
    }
}

public sealed class ProxyLimitAnnotationTests(ProxyLimitAnnotationFixture fixture) : IClassFixture<ProxyLimitAnnotationFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly StandaloneHost _host = fixture.Host;

    [Theory]
    [InlineData("small.test", 1024, false, HttpStatusCode.OK)]
    [InlineData("small.test", 1025, false, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("small.test", 4096, true, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("default.test", 1024 * 1024, false, HttpStatusCode.OK)]
    [InlineData("default.test", (1024 * 1024) + 1, false, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("default.test", 2 * 1024 * 1024, true, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("unlimited.test", 3 * 1024 * 1024, true, HttpStatusCode.OK)]
    public async Task ProxyBodySize_ABodyOverTheLimit_Gets413(string host, int size, bool chunked, HttpStatusCode status)
    {
        var answer = await SendAsync(host, size, chunked);

        Assert.Equal(status, answer.Status);
        if (status == HttpStatusCode.OK)
        {
            Assert.Equal(size, answer.Echo!.Body.Length);
        }
        else if (!chunked)
        {
            // A declared length over the limit never reaches the backend.
            Assert.Null(answer.Echo);
        }
    }

    [Fact]
    public async Task ProxyReadTimeout_ABackendSlowerThanIt_Gets504_TheDefaultWaits()
    {
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await SendAsync("impatient.test", 0)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("patient.test", 0)).Status);
    }

    [Fact]
    public async Task XRequestId_IsGenerated_SentToTheBackend_ReturnedToTheClient_AndLogged()
    {
        var answer = await SendAsync("default.test", 0);

        var id = Assert.Single(answer.Headers.GetValues("X-Request-ID"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, answer.Echo!.Headers["X-Request-ID"]);
        await Eventually.HoldsAsync(
            () => Task.FromResult(File.ReadLines(_host.AccessLogFile).Any(l => JsonDocument.Parse(l).RootElement.TryGetProperty("request_id", out var logged) && logged.GetString() == id)),
            Bound,
            "the request id in the access log");
    }

    [Fact]
    public async Task XRequestId_FromTheClient_IsKept()
    {
        var answer = await SendAsync("default.test", 0, requestId: "client-chosen-id-1");

        Assert.Equal("client-chosen-id-1", Assert.Single(answer.Headers.GetValues("X-Request-ID")));
        Assert.Equal("client-chosen-id-1", answer.Echo!.Headers["X-Request-ID"]);

        // Not even a 404 goes without one.
        using var missing = await _host.GetAsync("nothing.test", "/");
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(missing.Headers.GetValues("X-Request-ID")));
    }

    [Fact]
    public async Task LimitConnections_PerClient_AdmitsTheLimit_AndRefusesTheRestWith503()
    {
        // ingress-nginx's e2e test: 20 requests at once to a slow backend, limit 8: 8 x 200, 12 x 503, nothing else.
        // Another client, meanwhile, has a limit of its own.
        var statuses = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => StatusFromAsync("127.4.1.1", "client-connections.test"))
                .Append(StatusFromAsync("127.4.1.2", "client-connections.test")));

        Assert.Equal(8, statuses.Take(20).Count(s => s == HttpStatusCode.OK));
        Assert.Equal(12, statuses.Take(20).Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, statuses[20]);
    }

    [Fact]
    public async Task LimitRps_PerClient_AdmitsTheBurstThenTheRate_EachClientItsOwn()
    {
        // limit-rps 1 with multiplier 2: nginx's burst=2 nodelay admits 3 at once, then one a second.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var first = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => StatusFromAsync("127.4.2.1", "client-rps.test")));
        var refilled = (int)started.Elapsed.TotalSeconds;
        var second = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => StatusFromAsync("127.4.2.2", "client-rps.test")));

        Assert.InRange(first.Count(s => s == HttpStatusCode.OK), 3, 3 + refilled);
        Assert.All(first.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.InRange(second.Count(s => s == HttpStatusCode.OK), 3, 4 + (int)started.Elapsed.TotalSeconds);
    }

    [Fact]
    public async Task LimitRpm_PerClient_AndTheWhitelist()
    {
        // limit-rpm 3 with multiplier 1: 4 at once, then one every 20 s.
        var rpm = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => StatusFromAsync("127.4.3.1", "client-rpm.test")));
        // All six statuses compared, so a failure shows what the others were.
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable],
            rpm.Order());

        // A whitelisted client is not limited at all; another is (limit-rpm 1, the default multiplier 5: 6 at once).
        var listed = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StatusFromAsync("127.4.0.9", "client-allowlist.test")));
        var other = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StatusFromAsync("127.4.0.10", "client-allowlist.test")));
        Assert.All(listed, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(6, other.Count(s => s == HttpStatusCode.OK));
    }

    private async Task<HttpStatusCode> StatusFromAsync(string client, string host)
    {
        using var http = LoopbackClient.From(IPAddress.Parse(client), TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.Proxy.BaseAddress!, "/"));
        request.Headers.Host = host;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<(HttpStatusCode Status, EchoResponse? Echo, System.Net.Http.Headers.HttpResponseHeaders Headers)> SendAsync(
        string host, int size, bool chunked = false, string? requestId = null)
    {
        using var request = new HttpRequestMessage(size == 0 ? HttpMethod.Get : HttpMethod.Post, "/upload");
        request.Headers.Host = host;
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }

        if (size > 0)
        {
            var body = new string('x', size);
            request.Content = chunked ? new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(body))) : new StringContent(body);
            request.Headers.TransferEncodingChunked = chunked;

            // As curl does for large bodies: the 413 for a declared length comes before the body is sent. Without it the
            // client may still be writing when the proxy, having answered, closes the connection (a broken pipe, not 413).
            request.Headers.ExpectContinue = !chunked;
        }

        using var response = await _host.Proxy.SendAsync(request);
        var echo = response.Content.Headers.ContentType?.MediaType == "application/json" ? await response.Content.ReadFromJsonAsync<EchoResponse>() : null;
        return (response.StatusCode, echo, response.Headers);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Migration;

/// <summary>
/// ingress-nginx's body-size and timeout annotations and its X-Request-ID, on real sockets: the status a client
/// gets, whether the backend was reached, and the id the client, the backend and the access log share.
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

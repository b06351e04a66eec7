using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.ClientIdentity;

/// <summary>
/// Who the client is, on real sockets: the PROXY protocol source through a real HAProxy (v1 and v2), a trusted
/// proxy's X-Forwarded-For, a spoofed one from anyone else ignored; and source ranges decided on that address.
/// Clients take distinct loopback source addresses (127.0.0.x) so the addresses differ without a network.
/// </summary>
public sealed class ClientIdentityTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoBackend _echo = null!;

    public async Task InitializeAsync() => _echo = await EchoBackend.StartAsync("echo");

    public async Task DisposeAsync() => await _echo.DisposeAsync();

    [Theory]
    [InlineData("send-proxy-v2")]
    [InlineData("send-proxy")]
    public async Task ProxyProtocol_SourceIsTheClient_AndDecidesSourceRanges(string haproxyOption)
    {
        await using var host = await StandaloneHost.StartAsync("--proxy-protocol");
        WriteRangedIngress(host, allow: "127.0.0.5/32");
        await using var nlb = await HaproxyNlb.StartAsync([(host.Proxy.BaseAddress!.Port, host.Admin.BaseAddress!.Port)], haproxyOption);

        // The host's TCP peer is HAProxy (127.0.0.1) every time; only the PROXY header tells the clients apart.
        var allowed = await Eventually.ValueAsync(async () => await TryGetAsync(nlb.Port, "127.0.0.5", "ranged.test"), Bound, "ranged.test served through HAProxy");
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal("127.0.0.5", allowed.Echo!.Headers["X-Real-IP"]);
        Assert.Equal("127.0.0.5", allowed.Echo.Headers["X-Forwarded-For"]);
        var refused = await TryGetAsync(nlb.Port, "127.0.0.6", "ranged.test");
        Assert.Equal(HttpStatusCode.Forbidden, refused?.Status);

        // Without a PROXY header, the connection is closed before any HTTP is read.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => GetAsync(host.Proxy.BaseAddress.Port, "127.0.0.5", "ranged.test"));
    }

    [Fact]
    public async Task ForwardedFor_IsHonouredFromATrustedProxyOnly()
    {
        await using var host = await StandaloneHost.StartAsync("--trusted-proxies", "127.0.0.2/32");
        WriteRangedIngress(host, allow: "10.9.9.9/32");
        var port = host.Proxy.BaseAddress!.Port;
        var forwarded = new Dictionary<string, string> { ["X-Forwarded-For"] = "10.9.9.9", ["X-Forwarded-Proto"] = "https", ["X-Forwarded-Host"] = "outside.example" };

        // From the trusted proxy: the client is the address it forwards, and the scheme it says.
        var trusted = await Eventually.ValueAsync(async () => await TryGetAsync(port, "127.0.0.2", "ranged.test", forwarded) is { Status: HttpStatusCode.OK } r ? r : null, Bound, "ranged.test served to the forwarded client");
        Assert.Equal("10.9.9.9", trusted.Echo!.Headers["X-Real-IP"]);
        Assert.Equal("10.9.9.9", trusted.Echo.Headers["X-Forwarded-For"]);
        Assert.Equal("https", trusted.Echo.Headers["X-Forwarded-Proto"]);
        Assert.Equal("outside.example", trusted.Echo.Headers["X-Forwarded-Host"]);

        // From anyone else the same headers are a spoof: replaced, and the range check sees the real peer.
        var spoofed = await GetAsync(port, "127.0.0.3", "ranged.test", forwarded);
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.Status);
        WriteRangedIngress(host, allow: "127.0.0.3/32", name: "open");
        var seen = await Eventually.ValueAsync(async () => await TryGetAsync(port, "127.0.0.3", "open.test", forwarded) is { Status: HttpStatusCode.OK } r ? r : null, Bound, "open.test served");
        Assert.Equal("127.0.0.3", seen.Echo!.Headers["X-Real-IP"]);
        Assert.Equal("127.0.0.3", seen.Echo.Headers["X-Forwarded-For"]);
        Assert.Equal("http", seen.Echo.Headers["X-Forwarded-Proto"]);
        Assert.Equal("open.test", seen.Echo.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task DenyList_WinsOverAllowList()
    {
        await using var host = await StandaloneHost.StartAsync();
        WriteRangedIngress(host, allow: "127.0.0.0/24", deny: "127.0.0.7");
        var port = host.Proxy.BaseAddress!.Port;

        var allowed = await Eventually.ValueAsync(async () => await TryGetAsync(port, "127.0.0.8", "ranged.test") is { Status: HttpStatusCode.OK } r ? r : null, Bound, "ranged.test served");
        var denied = await GetAsync(port, "127.0.0.7", "ranged.test");

        Assert.Equal("127.0.0.8", allowed.Echo!.Headers["X-Real-IP"]);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
    }

    [Fact]
    public async Task SatisfyAny_LetsTheRangeIn_AndAsksEveryoneElseToAuthenticate()
    {
        await using var host = await StandaloneHost.StartAsync();
        host.Write(
            "either.yaml",
            [
                Objects.Ingress("either").Rule("either.test", "/", "Prefix", "echo", "http")
                    .Annotate("nginx.ingress.kubernetes.io/allowlist-source-range", "127.0.0.5")
                    .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic")
                    .Annotate("nginx.ingress.kubernetes.io/auth-secret", "users")
                    .Annotate("nginx.ingress.kubernetes.io/satisfy", "any").Build(),
                new k8s.Models.V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new k8s.Models.V1ObjectMeta { Name = "users", NamespaceProperty = "default" }, StringData = new Dictionary<string, string> { ["auth"] = "ann:{PLAIN}pw" } },
                .. ObjectsForBackends.ServiceFor("echo", _echo),
            ]);
        var port = host.Proxy.BaseAddress!.Port;
        var credentials = new Dictionary<string, string> { ["Authorization"] = $"Basic {Convert.ToBase64String("ann:pw"u8.ToArray())}" };

        var inRange = await Eventually.ValueAsync(async () => await TryGetAsync(port, "127.0.0.5", "either.test") is { Status: HttpStatusCode.OK } r ? r : null, Bound, "either.test served to the range");
        var outside = await GetAsync(port, "127.0.0.6", "either.test");
        var outsideAuthenticated = await GetAsync(port, "127.0.0.6", "either.test", credentials);

        Assert.Equal("127.0.0.5", inRange.Echo!.Headers["X-Real-IP"]);
        Assert.Equal(HttpStatusCode.Unauthorized, outside.Status);
        Assert.Equal(HttpStatusCode.OK, outsideAuthenticated.Status);
    }

    private void WriteRangedIngress(StandaloneHost host, string allow, string? deny = null, string name = "ranged")
    {
        var ingress = Objects.Ingress(name).Rule($"{name}.test", "/", "Prefix", "echo", "http").Annotate("nginx.ingress.kubernetes.io/allowlist-source-range", allow);
        if (deny is not null)
        {
            ingress = ingress.Annotate("nginx.ingress.kubernetes.io/denylist-source-range", deny);
        }

        host.Write($"{name}.yaml", [ingress.Build(), .. ObjectsForBackends.ServiceFor("echo", _echo)]);
    }

    private static async Task<Answer?> TryGetAsync(int port, string from, string host, Dictionary<string, string>? headers = null)
    {
        try
        {
            var answer = await GetAsync(port, from, host, headers);
            return answer.Status == HttpStatusCode.NotFound ? null : answer;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>One request on a new connection from <paramref name="from"/>, a loopback source address of the test's choosing.</summary>
    private static async Task<Answer> GetAsync(int port, string from, string host, Dictionary<string, string>? headers = null)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        }) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");
        request.Headers.Host = host;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var echo = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<EchoResponse>() : null;
        return new Answer(response.StatusCode, echo);
    }

    private sealed record Answer(HttpStatusCode Status, EchoResponse? Echo);
}

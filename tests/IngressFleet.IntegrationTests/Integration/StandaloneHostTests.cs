using System.Net;
using System.Net.Http.Json;
using System.Text;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Integration;

/// <summary>One real host with real echo backends, shared by the tests of this class; each test uses its own hosts and files.</summary>
public sealed class StandaloneHostFixture : IAsyncLifetime
{
    public StandaloneHost Host { get; private set; } = null!;

    public EchoBackend Alpha1 { get; private set; } = null!;

    public EchoBackend Alpha2 { get; private set; } = null!;

    public EchoBackend Beta { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Alpha1 = await EchoBackend.StartAsync("alpha-1");
        Alpha2 = await EchoBackend.StartAsync("alpha-2");
        Beta = await EchoBackend.StartAsync("beta");
        Host = await StandaloneHost.StartAsync();
        Host.Write(
            "base.yaml",
            [
                Objects.Ingress("base")
                    .Rule("alpha.test", "/", "Prefix", "alpha", "http")
                    .Rule("alpha.test", "/beta", "Exact", "beta", 80)
                    .Rule("dead.test", "/", "Prefix", "dead", 80)
                    .Rule("ghost.test", "/", "Prefix", "ghost", 80)
                    .Build(),
                .. ObjectsForBackends.ServiceFor("alpha", Alpha1, Alpha2),
                .. ObjectsForBackends.ServiceFor("beta", Beta),
                .. ObjectsForBackends.ServiceFor("dead"),
            ]);
        await Eventually.HoldsAsync(async () => await Host.WhoAnswersAsync("alpha.test", "/") != "404", TimeSpan.FromSeconds(10), "base routes");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Alpha1.DisposeAsync();
        await Alpha2.DisposeAsync();
        await Beta.DisposeAsync();
    }
}

public sealed class StandaloneHostTests(StandaloneHostFixture fixture, ITestOutputHelper output) : IClassFixture<StandaloneHostFixture>
{
    private static readonly TimeSpan ChangeBound = TimeSpan.FromSeconds(5);
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task Forward_PreservesMethodPathQueryAndBody_AndSetsForwardedHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/42/items?sort=desc&x=%20y")
        {
            Content = new StringContent("{\"qty\":3}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Host = "alpha.test";
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Custom", "kept");

        using var response = await _host.Proxy.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(echo);
        Assert.Equal("POST", echo.Method);
        Assert.Equal("/orders/42/items", echo.Path);
        Assert.Equal("?sort=desc&x=%20y", echo.Query);
        Assert.Equal("{\"qty\":3}", echo.Body);
        Assert.Equal("alpha.test", echo.Headers["Host"]);
        Assert.Equal("kept", echo.Headers["X-Custom"]);
        Assert.Equal("127.0.0.1", echo.Headers["X-Forwarded-For"]);
        Assert.Equal("http", echo.Headers["X-Forwarded-Proto"]);
        Assert.Equal("alpha.test", echo.Headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task Forward_ReturnsTheBackendStatusHeadersAndBodyUnchanged()
    {
        using var response = await _host.GetAsync("alpha.test", "/teapot?status=418");
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.StartsWith("alpha-", response.Headers.GetValues("X-Echo-Backend").Single(), StringComparison.Ordinal);
        Assert.Equal("/teapot", echo?.Path);
    }

    [Fact]
    public async Task Forward_SpreadsRequestsOverReadyEndpoints()
    {
        // The default policy is power of two choices: random among equals, so over 40 requests each endpoint
        // gets a fair part (fewer than 8 of 40 for one of them has a probability of about 1e-5).
        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await _host.WhoAnswersAsync("alpha.test", "/rr"));
        }

        Assert.Equal(40, answers.Count(a => a is "alpha-1" or "alpha-2"));
        Assert.InRange(answers.Count(a => a == "alpha-1"), 8, 32);
    }

    [Theory]
    [InlineData("alpha.test", "/beta", "beta")]
    [InlineData("ALPHA.test:1234", "/beta", "beta")]
    [InlineData("alpha.test", "/beta/", "alpha")]
    [InlineData("alpha.test", "/Beta", "alpha")]
    [InlineData("nobody.test", "/", "404")]
    [InlineData("dead.test", "/", "503")]
    [InlineData("ghost.test", "/", "503")]
    public async Task Route_ChoosesTheBackendByIngressRules(string host, string path, string expected)
    {
        var answer = await _host.WhoAnswersAsync(host, path);

        Assert.Equal(expected, answer.StartsWith("alpha-", StringComparison.Ordinal) ? "alpha" : answer);
    }

    [Fact]
    public async Task ManifestFolder_AddChangeAndDeleteOfAFile_TakeEffectWithoutRestart()
    {
        _host.Write("live.yaml", Objects.Ingress("live").Rule("live.test", "/v1", "Prefix", "beta", 80).Build());
        var added = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("live.test", "/v1/x") == "beta", ChangeBound, "added file routed");

        _host.Write("live.yaml", Objects.Ingress("live").Rule("live.test", "/v2", "Prefix", "beta", 80).Build());
        var changed = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("live.test", "/v1/x") == "404", ChangeBound, "changed file routed");
        Assert.Equal("beta", await _host.WhoAnswersAsync("live.test", "/v2"));

        _host.Delete("live.yaml");
        var deleted = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("live.test", "/v2") == "404", ChangeBound, "deleted file unrouted");

        output.WriteLine($"file change to served: add {added.TotalMilliseconds:0} ms, change {changed.TotalMilliseconds:0} ms, delete {deleted.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task ManifestFolder_BrokenFile_IsRejectedAlone_AndEverythingElseKeepsServing()
    {
        _host.Write("kept.yaml", Objects.Ingress("kept").Rule("kept.test", "/", "Prefix", "beta", 80).Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("kept.test", "/") == "beta", ChangeBound, "kept routed");

        _host.WriteText("kept.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: kept\nspec: [");
        _host.WriteText("garbage.json", "{ not json at all");
        await Eventually.HoldsAsync(
            async () => (await _host.AdminJsonAsync("/api/v1/problems")).GetProperty("rejected").EnumerateArray()
                .Count(p => p.GetProperty("name").GetString() is "kept.yaml" or "garbage.json") == 2,
            ChangeBound,
            "both files reported");

        Assert.Equal("beta", await _host.WhoAnswersAsync("kept.test", "/"));
        Assert.Equal("beta", await _host.WhoAnswersAsync("alpha.test", "/beta"));

        _host.Delete("kept.yaml");
        _host.Delete("garbage.json");
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("kept.test", "/") == "404", ChangeBound, "kept removed");
    }

    [Fact]
    public async Task ManifestFolder_InvalidUpdateOfAnIngress_KeepsItsPreviousVersion_AndSaysWhy()
    {
        _host.Write("lkg.yaml", Objects.Ingress("lkg").Rule("lkg.test", "/good", "Prefix", "beta", 80).Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("lkg.test", "/good") == "beta", ChangeBound, "lkg routed");

        _host.Write(
            "lkg.yaml",
            Objects.Ingress("lkg").Rule("lkg.test", "/good", "Bogus", "beta", 80).Build(),
            Objects.Ingress("lkg-sibling").Rule("sibling.test", "/", "Prefix", "beta", 80).Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("sibling.test", "/") == "beta", ChangeBound, "sibling routed");

        var problems = await _host.AdminJsonAsync("/api/v1/problems");
        var rejected = problems.GetProperty("rejected").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "lkg");
        Assert.Contains("unsupported value \"Bogus\"", rejected.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("lkg.yaml", rejected.GetProperty("source").GetString());
        Assert.Equal("beta", await _host.WhoAnswersAsync("lkg.test", "/good"));

        _host.Delete("lkg.yaml");
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("lkg.test", "/good") == "404", ChangeBound, "lkg removed");
    }

    [Fact]
    public async Task AdminApi_ListsVersionRoutesBackendsAndHealth()
    {
        var status = await _host.AdminJsonAsync("/api/v1/status");
        var routes = await _host.AdminJsonAsync("/api/v1/routes");
        var backends = await _host.AdminJsonAsync("/api/v1/backends");

        Assert.True(status.GetProperty("version").GetInt64() > 0);
        Assert.Contains(
            routes.GetProperty("routes").EnumerateArray(),
            r => r.GetProperty("host").GetString() == "alpha.test" && r.GetProperty("path").GetString() == "/beta"
                && r.GetProperty("pathType").GetString() == "Exact" && r.GetProperty("backend").GetString() == "default/beta:80"
                && r.GetProperty("ingress").GetString() == "default/base");
        var alpha = backends.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("backend").GetString() == "default/alpha:http");
        Assert.Equal(
            new[] { fixture.Alpha1.Port, fixture.Alpha2.Port }.Select(p => $"127.0.0.1:{p}").Order(StringComparer.Ordinal),
            alpha.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        var dead = backends.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("backend").GetString() == "default/dead:80");
        Assert.Equal("no ready endpoints", dead.GetProperty("problem").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Admin.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task HttpsPort_TerminatesTls_AndForwardsWithProtoHttps()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Subject == "CN=ingressfleet-default" };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{_host.HttpsPort}/secure");
        request.Headers.Host = "alpha.test";

        using var response = await client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https", echo?.Headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task ProxyPort_DoesNotServeTheAdminApi()
    {
        Assert.StartsWith("alpha-", await _host.WhoAnswersAsync("alpha.test", "/api/v1/status"), StringComparison.Ordinal);
        Assert.Equal("404", await _host.WhoAnswersAsync("nobody.test", "/healthz/ready"));
    }

    [Fact]
    public async Task HostileRequests_GetAClearError_AndChangeNothing()
    {
        using var huge = new HttpRequestMessage(HttpMethod.Get, "/");
        huge.Headers.Host = "alpha.test";
        huge.Headers.Add("X-Huge", new string('a', 64 * 1024));
        using var hugeResponse = await _host.Proxy.SendAsync(huge);

        using var badHost = new HttpRequestMessage(HttpMethod.Get, "/");
        badHost.Headers.TryAddWithoutValidation("Host", "bad host/../");
        using var badHostResponse = await _host.Proxy.SendAsync(badHost);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, hugeResponse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badHostResponse.StatusCode);
        Assert.StartsWith("alpha-", await _host.WhoAnswersAsync("alpha.test", "/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessLog_ToAFile_HasOneJsonLinePerRequest_IncludingUnmatchedOnes()
    {
        var marker = Guid.NewGuid().ToString("N");
        Assert.Equal("beta", await _host.WhoAnswersAsync("alpha.test", "/beta"));
        Assert.Equal("404", await _host.WhoAnswersAsync("nowhere.test", $"/{marker}"));
        var entry = await Eventually.ValueAsync(
            () => Task.FromResult(ReadAccessLog().FirstOrDefault(e => e.GetProperty("path").GetString() == $"/{marker}")),
            TimeSpan.FromSeconds(5),
            "the unmatched request logged");
        Assert.Equal(404, entry.GetProperty("status").GetInt32());
        Assert.Equal("nowhere.test", entry.GetProperty("host").GetString());
        Assert.False(entry.TryGetProperty("route", out _));
        Assert.True(entry.GetProperty("bytes").GetInt64() > 0);
        Assert.Contains(ReadAccessLog(), e => e.GetProperty("path").GetString() == "/beta" && e.GetProperty("route").GetString() == "default/base");
    }

    private IEnumerable<System.Text.Json.JsonElement> ReadAccessLog()
    {
        using var stream = new FileStream(_host.AccessLogFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)];
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.HostileInput;

/// <summary>One host and three echo backends for the hostile-input tests; each test writes its own files and hosts.</summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    public StandaloneHost Host { get; private set; } = null!;

    public EchoBackend One { get; private set; } = null!;

    public EchoBackend Two { get; private set; } = null!;

    public EchoBackend Three { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        One = await EchoBackend.StartAsync("one");
        Two = await EchoBackend.StartAsync("two");
        Three = await EchoBackend.StartAsync("three");
        Host = await StandaloneHost.StartAsync("--IngressFleet:SourceUnreadableAfter=00:00:00.500");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await One.DisposeAsync();
        await Two.DisposeAsync();
        await Three.DisposeAsync();
    }
}

/// <summary>
/// Inputs with a defined outcome: spoofed client identity headers, access control IngressFleet does not
/// implement, backends on the silo's own ports or link-local addresses, client-provoked 5xx, and files in the
/// manifest folder that are not regular files or multiply through aliases.
/// </summary>
public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task ClientIdentityHeaders_AreReplacedOrRemoved()
    {
        _host.Write("identity.yaml", [Objects.Ingress("identity").Rule("identity.test", "/", "Prefix", "identity", "http").Build(), .. ObjectsForBackends.ServiceFor("identity", fixture.One)]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("identity.test", "/") == "one", Bound, "identity.test served");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "identity.test";
        request.Headers.Add("X-Real-IP", "6.6.6.6");
        request.Headers.Add("Forwarded", "for=6.6.6.6;proto=https");
        request.Headers.Add("X-Original-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Forwarded-Prefix", "/admin");
        using var response = await _host.Proxy.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.NotNull(echo);
        Assert.Equal("127.0.0.1", echo.Headers["X-Real-IP"]);
        Assert.Equal("127.0.0.1", echo.Headers["X-Forwarded-For"]);
        Assert.False(echo.Headers.ContainsKey("Forwarded"), "Forwarded reached the backend");
        Assert.False(echo.Headers.ContainsKey("X-Original-Forwarded-For"), "X-Original-Forwarded-For reached the backend");
        Assert.False(echo.Headers.ContainsKey("X-Forwarded-Prefix"), "X-Forwarded-Prefix reached the backend");
    }

    [Fact]
    public async Task UnimplementedAccessControl_IsRejectedNotServed_OtherUnknownAnnotations_AreWarnings()
    {
        _host.Write(
            "guarded.yaml",
            [
                Objects.Ingress("guarded").Rule("guarded.test", "/", "Prefix", "guarded", "http")
                    .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic").Build(),
                Objects.Ingress("authed").Rule("authed.test", "/", "Prefix", "guarded", "http")
                    .Annotate("nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=client").Build(),
                Objects.Ingress("snippet").Rule("snippet.test", "/", "Prefix", "guarded", "http")
                    .Annotate("nginx.ingress.kubernetes.io/configuration-snippet", "return 200;").Build(),
                Objects.Ingress("loose").Rule("loose.test", "/", "Prefix", "guarded", "http")
                    .Annotate("nginx.ingress.kubernetes.io/proxy-buffer-size", "8k").Build(),
                .. ObjectsForBackends.ServiceFor("guarded", fixture.One),
            ]);

        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("loose.test", "/") == "one", Bound, "loose.test served");
        var problems = await Eventually.ValueAsync(
            async () =>
            {
                var page = await _host.AdminJsonAsync("/api/v1/problems?limit=1000");
                var rejected = page.GetProperty("rejected").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("reasons")[0].GetString()!);
                return rejected.ContainsKey("guarded") && rejected.ContainsKey("authed") && rejected.ContainsKey("snippet") ? (page, rejected) : default;
            },
            Bound,
            "the three Ingresses rejected");

        Assert.Contains("auth-type", problems.rejected["guarded"], StringComparison.Ordinal);
        Assert.Contains("auth-tls-match-cn", problems.rejected["authed"], StringComparison.Ordinal);
        Assert.Contains("snippets are never executed", problems.rejected["snippet"], StringComparison.Ordinal);
        var warning = problems.page.GetProperty("warnings").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "loose");
        Assert.Contains("proxy-buffer-size", warning.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        foreach (var host in new[] { "guarded.test", "authed.test", "snippet.test" })
        {
            Assert.Equal("404", await _host.WhoAnswersAsync(host, "/"));
        }
    }

    [Fact]
    public async Task Backends_OnTheSilosOwnPorts_OrLinkLocal_AreRefused()
    {
        var adminPort = _host.Admin.BaseAddress!.Port;
        _host.Write(
            "addresses.yaml",
            [
                Objects.Ingress("addresses")
                    .Rule("own.test", "/", "Prefix", "own", 80)
                    .Rule("meta.test", "/", "Prefix", "meta", 80)
                    .Rule("ext.test", "/", "Prefix", "ext", adminPort)
                    .Rule("dns.test", "/", "Prefix", "dns", adminPort)
                    .Rule("fine.test", "/", "Prefix", "fine", 80)
                    .Build(),
                Objects.Service("own", "default", Objects.Port(80)),
                Objects.Slice("own", "default", null, adminPort, ("127.0.0.1", true)),
                Objects.Service("meta", "default", Objects.Port(80)),
                Objects.Slice("meta", "default", null, 80, ("169.254.169.254", true)),
                ExternalName("ext", "localhost", adminPort),

                // A name that only DNS says is this host: refused when the connection is made, not when read.
                ExternalName("dns", Dns.GetHostName(), adminPort),
                Objects.Service("fine", "default", Objects.Port(80)),
                Objects.Slice("fine", "default", null, fixture.Two.Port, ("127.0.0.1", true)),
            ]);

        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("fine.test", "/") == "two", Bound, "fine.test served (loopback allowed with the manifest folder)");
        var rejected = await Eventually.ValueAsync(
            async () =>
            {
                var page = await _host.AdminJsonAsync("/api/v1/problems?limit=1000");
                var services = page.GetProperty("rejected").EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "Service")
                    .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("reasons")[0].GetString()!);
                return services.ContainsKey("own") && services.ContainsKey("meta") ? services : null;
            },
            Bound,
            "refused endpoints listed");
        Assert.Contains($"127.0.0.1:{adminPort} refused", rejected["own"], StringComparison.Ordinal);
        Assert.Contains("own listening ports", rejected["own"], StringComparison.Ordinal);
        Assert.Contains("link-local", rejected["meta"], StringComparison.Ordinal);
        var backends = (await _host.AdminJsonAsync("/api/v1/backends")).GetProperty("backends").EnumerateArray()
            .ToDictionary(b => b.GetProperty("service").GetString()!, b => b);
        Assert.Contains("externalName refused", backends["default/ext"].GetProperty("problem").GetString(), StringComparison.Ordinal);

        foreach (var host in new[] { "own.test", "meta.test", "ext.test" })
        {
            Assert.Equal("503", await _host.WhoAnswersAsync(host, "/api/v1/status"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/status");
        request.Headers.Host = "dns.test";
        using var response = await _host.Proxy.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("controlPlaneVersion", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassiveHealth_ClientProvoked5xx_DoNotEject_UnlessTheIngressOptsIn()
    {
        _host.Write(
            "passive.yaml",
            [
                Objects.Ingress("counted").Rule("counted.test", "/", "Prefix", "counted", "http")
                    .Annotate("ingressfleet.io/passive-health-server-errors", "true").Build(),
                Objects.Ingress("uncounted").Rule("uncounted.test", "/", "Prefix", "uncounted", "http").Build(),
                .. ObjectsForBackends.ServiceFor("counted", fixture.One, fixture.Two),
                .. ObjectsForBackends.ServiceFor("uncounted", fixture.Two, fixture.Three),
            ]);
        await Eventually.HoldsAsync(
            async () => await _host.WhoAnswersAsync("counted.test", "/") != "404" && await _host.WhoAnswersAsync("uncounted.test", "/") != "404",
            Bound,
            "both served");

        // The control: with 5xx counted, one destination is ejected, never the last one.
        await Eventually.HoldsAsync(
            async () =>
            {
                await Provoke500sAsync("counted.test", 20);
                await Provoke500sAsync("uncounted.test", 20);
                return Ejected(await _host.AdminJsonAsync("/api/v1/health"), "default/counted:http") == 1;
            },
            TimeSpan.FromSeconds(20),
            "one destination of the opted-in backend ejected");

        // Meanwhile and for a few report intervals more, the default backend keeps both.
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Provoke500sAsync("uncounted.test", 20);
            var health = await _host.AdminJsonAsync("/api/v1/health");
            Assert.Equal(0, Ejected(health, "default/uncounted:http"));
            Assert.True(Ejected(health, "default/counted:http") <= 1, "the last healthy destination was ejected on 5xx alone");
        }
    }

    [Fact]
    public async Task ManifestFolder_SpecialFilesAndAliasMultiplication_AreSkippedWithAProblem_AndTheSourceCarriesOn()
    {
        var outside = Path.Combine(Path.GetTempPath(), $"ingressfleet-outside-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(outside, "apiVersion: v1\nkind: Service\nmetadata:\n  name: outside\n");
        try
        {
            using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [Path.Combine(_host.Folder, "pipe.yaml")]) { UseShellExecute = false })!)
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            File.CreateSymbolicLink(Path.Combine(_host.Folder, "zero.yaml"), "/dev/zero");
            File.CreateSymbolicLink(Path.Combine(_host.Folder, "outside.yaml"), outside);
            _host.WriteText("aliases.yaml", AliasManifest.Multiplying(paths: 250, aliases: 996));
            _host.Write("after-special.yaml", [Objects.Ingress("after-special").Rule("after-special.test", "/", "Prefix", "after-special", "http").Build(), .. ObjectsForBackends.ServiceFor("after-special", fixture.Three)]);

            await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("after-special.test", "/") == "three", Bound, "a valid file next to them is served");
            var files = await Eventually.ValueAsync(
                async () =>
                {
                    var all = await AllProblemsAsync(pageSize: 2);
                    var byFile = all.Where(p => p.GetProperty("kind").GetString() == "File")
                        .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("reasons")[0].GetString()!);
                    return new[] { "pipe.yaml", "zero.yaml", "outside.yaml", "aliases.yaml" }.All(byFile.ContainsKey) ? byFile : null;
                },
                Bound,
                "the four files listed as problems");
            Assert.Contains("FIFO", files["pipe.yaml"], StringComparison.Ordinal);
            Assert.Contains("outside the manifest folder", files["zero.yaml"], StringComparison.Ordinal);
            Assert.Contains("outside the manifest folder", files["outside.yaml"], StringComparison.Ordinal);
            Assert.Contains("expand to more than", files["aliases.yaml"], StringComparison.Ordinal);

            var ready = await _host.AdminJsonAsync("/healthz/ready");
            Assert.Equal("ready", ready.GetProperty("status").GetString());
        }
        finally
        {
            foreach (var file in new[] { "pipe.yaml", "zero.yaml", "outside.yaml", "aliases.yaml" })
            {
                File.Delete(Path.Combine(_host.Folder, file));
            }

            File.Delete(outside);
        }
    }

    [Fact]
    public async Task UnreadableFolder_KeepsTheConfigInForce_AndShowsInReadinessAndAMetric()
    {
        _host.Write("kept.yaml", [Objects.Ingress("kept").Rule("kept.test", "/", "Prefix", "kept", "http").Build(), .. ObjectsForBackends.ServiceFor("kept", fixture.One)]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("kept.test", "/") == "one", Bound, "kept.test served");
        var aside = _host.Folder + "-aside";
        Directory.Move(_host.Folder, aside);
        try
        {
            var detail = await Eventually.ValueAsync(
                async () => (await _host.AdminJsonAsync("/healthz/ready")).TryGetProperty("source", out var source) ? source.GetString() : null,
                Bound,
                "readiness detail about the source");
            Assert.Contains("does not exist", detail, StringComparison.Ordinal);
            var metrics = await _host.Admin.GetStringAsync("/metrics");
            var gauge = System.Text.RegularExpressions.Regex.Match(metrics, @"^ingressfleet_source_unreadable_seconds(\{[^}]*\})? (?<value>\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(gauge.Success, "no ingressfleet_source_unreadable_seconds in /metrics");
            Assert.True(double.Parse(gauge.Groups["value"].Value, CultureInfo.InvariantCulture) >= 0.5, gauge.Value);
            Assert.Equal("one", await _host.WhoAnswersAsync("kept.test", "/"));
        }
        finally
        {
            Directory.Move(aside, _host.Folder);
        }

        await Eventually.HoldsAsync(async () => !(await _host.AdminJsonAsync("/healthz/ready")).TryGetProperty("source", out _), Bound, "readiness detail cleared");
    }

    private static V1Service ExternalName(string name, string externalName, int port) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = externalName, Ports = [Objects.Port(port)] },
    };

    private static int Ejected(JsonElement health, string backend) =>
        health.GetProperty("backends").EnumerateArray().Where(b => b.GetProperty("backend").GetString() == backend)
            .SelectMany(b => b.GetProperty("destinations").EnumerateArray()).Count(d => !d.GetProperty("healthy").GetBoolean());

    private async Task Provoke500sAsync(string host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await _host.GetAsync(host, "/?status=500");
        }
    }

    /// <summary>Every rejected object, read page by page through <c>next</c>.</summary>
    private async Task<List<JsonElement>> AllProblemsAsync(int pageSize)
    {
        var all = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = await _host.AdminJsonAsync($"/api/v1/problems?limit={pageSize.ToString(CultureInfo.InvariantCulture)}" + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}"));
            var rejected = page.GetProperty("rejected").EnumerateArray().ToList();
            Assert.True(rejected.Count + page.GetProperty("warnings").GetArrayLength() <= pageSize * 2);
            all.AddRange(rejected);
            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return all;
    }
}

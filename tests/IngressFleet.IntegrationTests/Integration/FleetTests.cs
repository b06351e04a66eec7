using System.Diagnostics;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Integration;

/// <summary>
/// A real fleet: redis-server, three silo processes reading one manifest folder, HAProxy in TCP mode as the
/// NLB, and echo backends. Silos are killed with SIGKILL and stopped with SIGTERM under load.
/// </summary>
public sealed class FleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-fleet-").FullName;
    private readonly List<HostProcess> _silos = [];
    private RedisServer _redis = null!;
    private OtlpReceiver _otlp = null!;
    private EchoBackend _web = null!;
    private EchoBackend _api = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _otlp = await OtlpReceiver.StartAsync();
        _web = await EchoBackend.StartAsync("web");
        _api = await EchoBackend.StartAsync("api");
        Write("apps.yaml",
        [
            Objects.Ingress("apps")
                .Rule("web.test", "/", "Prefix", "web", "http")
                .Rule("api.test", "/v1", "Prefix", "api", "http")
                .Build(),
            .. ObjectsForBackends.ServiceFor("web", _web),
            .. ObjectsForBackends.ServiceFor("api", _api),
        ]);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _otlp.DisposeAsync();
        await _web.DisposeAsync();
        await _api.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Fleet_DistributesChanges_SurvivesASigkill_AndDrainsOnSigterm()
    {
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= 3; i++)
        {
            _silos.Add(StartSilo($"silo-{i}", SiloPorts.Free()));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        output.WriteLine($"3 silos ready after {clock.Elapsed.TotalSeconds:0.0} s");
        await using var nlb = await HaproxyNlb.StartAsync(_silos.Select(s => s.Ports));

        // 1. A change reaches every silo: each one's own port serves it, and the fleet view says so.
        Write("second.yaml", Objects.Ingress("second").Rule("second.test", "/", "Prefix", "api", "http").Build());
        var propagated = await AllServeAsync(_silos, "second.test", "/", "api");
        output.WriteLine($"change served by all 3 silos {propagated.TotalMilliseconds:0} ms after the write");
        await FleetViewConvergedAsync(_silos[0], expectedSilos: 3);
        await ChangeIsOneTraceAcrossTheFleetAsync(_silos[0]);
        await MigrationViewListsAsync(_silos, "second");

        // 2. SIGKILL the silo that hosts the config grain, under load through the NLB.
        var fleet = await _silos[0].AdminJsonAsync("/api/v1/fleet");
        var configSilo = fleet.GetProperty("controlPlane").GetProperty("configGrainSilo").GetString();
        var sourceHolder = fleet.GetProperty("controlPlane").GetProperty("sourceHolder").GetString();
        var termBefore = fleet.GetProperty("controlPlane").GetProperty("sourceTerm").GetInt64();
        var victimEntry = fleet.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("silo").GetString() == configSilo);
        var victim = _silos.Single(s => s.Ports.Admin == victimEntry.GetProperty("adminPort").GetInt32());
        var survivors = _silos.Where(s => s != victim).ToList();
        output.WriteLine($"killing {victimEntry.GetProperty("name").GetString()}: hosts the config grain; holds the source lease: {configSilo == sourceHolder}");

        var load = new LoadLoop(new Uri($"http://127.0.0.1:{nlb.Port}/"), "web.test");
        await Task.Delay(1000);
        var killedAt = Stopwatch.StartNew();
        victim.Kill();
        await FleetViewConvergedAsync(survivors[0], expectedSilos: 2);
        output.WriteLine($"killed silo gone from the fleet view after {killedAt.Elapsed.TotalSeconds:0.0} s");

        // Survivors keep serving every route, and a change made after the kill reaches them.
        foreach (var silo in survivors)
        {
            Assert.Equal("web", await silo.WhoAnswersAsync("web.test", "/"));
            Assert.Equal("api", await silo.WhoAnswersAsync("api.test", "/v1/x"));
            Assert.Equal("api", await silo.WhoAnswersAsync("second.test", "/"));
        }

        Write("third.yaml", Objects.Ingress("third").Rule("third.test", "/", "Prefix", "web", "http").Build());
        var afterKill = await AllServeAsync(survivors, "third.test", "/", "web");
        await MigrationViewListsAsync(survivors, "third");
        output.WriteLine($"change after the kill served by both survivors {afterKill.TotalMilliseconds:0} ms after the write");
        var (ok, failed) = await load.StopAsync();
        output.WriteLine($"requests through HAProxy around the SIGKILL: {ok} succeeded, {failed} failed");
        load.Failures.ToList().ForEach(f => output.WriteLine($"  {f}"));
        Assert.True(failed * 20 < ok, $"{failed} of {ok + failed} requests failed around the kill");

        if (configSilo == sourceHolder)
        {
            var view = await survivors[0].AdminJsonAsync("/api/v1/fleet");
            Assert.True(view.GetProperty("controlPlane").GetProperty("sourceTerm").GetInt64() > termBefore, "the source did not fail over");
        }

        // No route was lost: every survivor lists exactly the routes the folder defines.
        string[] expected = ["api.test /v1", "second.test /", "third.test /", "web.test /"];
        foreach (var silo in survivors)
        {
            Assert.Equal(expected, await RoutesAsync(silo));
        }

        // 3. The killed silo, restarted on the same ports, rejoins and converges to the current version.
        var restarted = StartSilo("restarted", victim.Ports);
        _silos.Add(restarted);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("web", await restarted.WhoAnswersAsync("third.test", "/"));
        Assert.Equal(expected, await RoutesAsync(restarted));
        await FleetViewConvergedAsync(restarted, expectedSilos: 3);

        // 4. SIGTERM drains: readiness fails first, the NLB stops sending, in-flight requests finish; nothing fails.
        var drained = survivors[0];
        var drainLoad = new LoadLoop(new Uri($"http://127.0.0.1:{nlb.Port}/"), "web.test");
        await Task.Delay(1000);
        output.WriteLine($"SIGTERM at {drainLoad.Elapsed.TotalSeconds:0.000} s");
        drained.Terminate();
        await drained.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var (drainOk, drainFailed) = await drainLoad.StopAsync();
        output.WriteLine($"requests through HAProxy around the SIGTERM: {drainOk} succeeded, {drainFailed} failed; exit code {drained.Process.ExitCode}");
        drainLoad.Failures.ToList().ForEach(f => output.WriteLine($"  {f}"));
        Assert.Equal(0, drained.Process.ExitCode);
        Assert.Equal(0, drainFailed);
        output.WriteLine($"scenario took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private HostProcess StartSilo(string name, SiloPorts ports) => HostProcess.Start(
        ports,
        OtlpReceiver.FastExport,
        [
            .. _otlp.HostArgs,
            "--access-log", "off",
            "--cluster", "redis",
            "--redis", _redis.Endpoint,
            "--name", name,
            "--manifests", _folder,
            "--shutdown-delay", "2",
            "--drain-timeout", "10",
            "--Logging:LogLevel:Default=Warning",
        ]);

    /// <summary>The last change's trace: published by the source holder, applied on every silo, one trace id.</summary>
    private async Task ChangeIsOneTraceAcrossTheFleetAsync(HostProcess silo)
    {
        var version = (await silo.AdminJsonAsync("/api/v1/status")).GetProperty("version").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var trace = await Eventually.ValueAsync(
            () =>
            {
                var publish = _otlp.Spans.FirstOrDefault(s => s.Name == "ingressfleet.config.publish" && s.Attribute("ingressfleet.config.version") == version);
                var spans = publish is null ? [] : _otlp.Trace(publish.TraceId).ToList();
                var appliedOn = spans.Where(s => s.Name == "ingressfleet.config.apply").Select(s => s.ServiceInstance).Distinct().Count();
                return Task.FromResult(appliedOn == 3 ? spans : null);
            },
            Converge,
            $"the change to version {version} traced from its publish to its apply on all 3 silos");
        foreach (var group in trace.GroupBy(s => s.ServiceInstance))
        {
            output.WriteLine($"trace {trace[0].TraceId} on {group.Key}: {string.Join(", ", group.Select(s => s.Name).Distinct())}");
        }

        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s.Name == "ingressfleet.config.apply"), s => Assert.Contains(s.ParentSpanId!, ids));
        Assert.Contains(trace, s => s.Name.Contains("CommitAsync", StringComparison.Ordinal) && s.Kind == OtlpSpan.Server);
    }

    private void Write(string file, params object[] objects) => ManifestWriter.Write(_folder, file, objects);

    private static async Task<TimeSpan> AllServeAsync(IReadOnlyList<HostProcess> silos, string host, string path, string backend)
    {
        var times = await Task.WhenAll(silos.Select(s => Eventually.HoldsAsync(
            async () => await s.WhoAnswersAsync(host, path) == backend,
            Converge,
            $"{host}{path} served by {backend} on the silo at port {s.Ports.Http}")));
        return times.Max();
    }

    /// <summary>Every silo's admin API answers the migration view of the running config (made by the source holder, wherever it runs), with <paramref name="ingress"/> in it.</summary>
    private static async Task MigrationViewListsAsync(IEnumerable<HostProcess> silos, string ingress)
    {
        foreach (var silo in silos)
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await silo.Admin.GetAsync("/api/v1/migration?format=json");
                    var text = await response.Content.ReadAsStringAsync();
                    return response.IsSuccessStatusCode && System.Text.Json.JsonDocument.Parse(text).RootElement.EnumerateArray().Any(i => i.GetProperty("name").GetString() == ingress)
                        ? true
                        : throw new InvalidOperationException($"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
                },
                TimeSpan.FromSeconds(30),
                $"the migration view on admin port {silo.Ports.Admin} lists {ingress}");
        }
    }

    private static async Task FleetViewConvergedAsync(HostProcess silo, int expectedSilos) =>
        await Eventually.HoldsAsync(
            async () =>
            {
                if (await silo.TryAdminJsonAsync("/api/v1/fleet") is not { } view)
                {
                    return false;
                }

                var version = view.GetProperty("controlPlane").GetProperty("version").GetInt64();
                var silos = view.GetProperty("silos").EnumerateArray().ToList();
                return silos.Count == expectedSilos
                    && silos.All(s => s.GetProperty("appliedVersion").GetInt64() == version && s.GetProperty("ready").GetBoolean()
                        && s.GetProperty("lastReportAgeMs").GetInt64() < 5000);
            },
            Converge,
            $"fleet view lists {expectedSilos} live silos, all on the current version");

    private static async Task<string[]> RoutesAsync(HostProcess silo)
    {
        var routes = await silo.AdminJsonAsync("/api/v1/routes");
        return [.. routes.GetProperty("routes").EnumerateArray()
            .Select(r => $"{r.GetProperty("host").GetString()} {r.GetProperty("path").GetString()}")
            .Order(StringComparer.Ordinal)];
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Integration;

/// <summary>
/// Three silo processes on redis-server, backends on 127.0.0.1: a pool of three echo backends (health,
/// affinity), a slow backend behind a fleet-wide connection limit, and one behind a fleet-wide rate limit.
/// </summary>
public sealed class FleetTrafficFixture : IAsyncLifetime
{
    public const int MaxConnections = 20;
    public const double RateLimit = 40;
    public const int CanaryWeight = 20;
    public const int ClientRateLimit = 10;
    public const int ClientConnections = 6;

    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-traffic-").FullName;

    public RedisServer Redis { get; private set; } = null!;

    public List<EchoBackend> Pool { get; } = [];

    public SlowBackend Slow { get; private set; } = null!;

    /// <summary>Behind ingress-nginx's limit-connections (per client).</summary>
    public SlowBackend PerClientSlow { get; private set; } = null!;

    public EchoBackend Rated { get; private set; } = null!;

    /// <summary>The main backend and the canary of a 20% canary Ingress.</summary>
    public EchoBackend Stable { get; private set; } = null!;

    public EchoBackend Canary { get; private set; } = null!;

    /// <summary>The silos still running (a test may kill one).</summary>
    public List<HostProcess> Silos { get; } = [];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            Pool.Add(await EchoBackend.StartAsync($"pool-{i}"));
        }

        Slow = await SlowBackend.StartAsync(TimeSpan.FromMilliseconds(400));
        PerClientSlow = await SlowBackend.StartAsync(TimeSpan.FromMilliseconds(400));
        Rated = await EchoBackend.StartAsync("rated");
        Stable = await EchoBackend.StartAsync("stable");
        Canary = await EchoBackend.StartAsync("canary");
        var objects = new List<object>
        {
            Objects.Ingress("pool").Rule("pool.test", "/", "Prefix", "pool", "http").Build(),
            Objects.Ingress("sticky").Rule("sticky.test", "/", "Prefix", "pool", "http").Annotate("ingressfleet.io/affinity", "cookie").Build(),
            Objects.Ingress("slow").Rule("slow.test", "/", "Prefix", "slow", 80)
                .Annotate("ingressfleet.io/max-connections", MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Annotate("ingressfleet.io/max-queue", "1000")
                .Annotate("ingressfleet.io/max-queue-timeout", "20s")
                .Build(),
            Objects.Ingress("rated").Rule("rated.test", "/", "Prefix", "rated", "http")
                .Annotate("ingressfleet.io/limit-rps", "40")
                .Annotate("ingressfleet.io/limit-burst", "5")
                .Build(),
            Objects.Service("slow", "default", Objects.Port(80)),
            Objects.Slice("slow", "default", null, Slow.Port, ("127.0.0.1", true)),
            Objects.Ingress("per-client").Rule("per-client.test", "/", "Prefix", "rated", "http")
                .Annotate("nginx.ingress.kubernetes.io/limit-rps", ClientRateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Annotate("nginx.ingress.kubernetes.io/limit-burst-multiplier", "1")
                .Build(),
            Objects.Ingress("per-client-slow").Rule("per-client-slow.test", "/", "Prefix", "per-client-slow", "http")
                .Annotate("nginx.ingress.kubernetes.io/limit-connections", ClientConnections.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Build(),
        };
        objects.AddRange(ObjectsForBackends.ServiceFor("per-client-slow", PerClientSlow.Port, "http"));
        objects.AddRange(ObjectsForBackends.ServiceFor("pool", [.. Pool]));
        objects.AddRange(ObjectsForBackends.ServiceFor("rated", Rated));
        objects.Add(Objects.Ingress("split").Rule("split.test", "/", "Prefix", "stable", "http").Build());
        objects.Add(Objects.Ingress("split-canary").Rule("split.test", "/", "Prefix", "canary", "http")
            .Annotate("nginx.ingress.kubernetes.io/canary", "true")
            .Annotate("nginx.ingress.kubernetes.io/canary-weight", CanaryWeight.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Annotate("nginx.ingress.kubernetes.io/canary-by-header", "X-Canary")
            .Build());
        objects.AddRange(ObjectsForBackends.ServiceFor("stable", Stable));
        objects.AddRange(ObjectsForBackends.ServiceFor("canary", Canary));
        File.WriteAllText(Path.Combine(_folder, "traffic.yaml"), KubernetesYaml.SerializeAll(objects));

        for (var i = 1; i <= 3; i++)
        {
            Silos.Add(StartSilo($"silo-{i}"));
        }

        await Task.WhenAll(Silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
    }

    /// <summary>Three silos again, after a test killed one: a new silo joins, ready.</summary>
    public async Task EnsureThreeSilosAsync()
    {
        while (Silos.Count < 3)
        {
            var silo = StartSilo($"silo-{Silos.Count + 10}");
            Silos.Add(silo);
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        }
    }

    private HostProcess StartSilo(string name) => HostProcess.Start(
        SiloPorts.Free(),
        "--cluster", "redis",
        "--redis", Redis.Endpoint,
        "--name", name,
        "--manifests", _folder,
        "--access-log", "off",
        "--Logging:LogLevel:Default=Warning");

    public async Task DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Redis.DisposeAsync();
        foreach (var backend in Pool)
        {
            await backend.DisposeAsync();
        }

        await Slow.DisposeAsync();
        await PerClientSlow.DisposeAsync();
        await Rated.DisposeAsync();
        await Stable.DisposeAsync();
        await Canary.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class FleetTrafficTests(FleetTrafficFixture fixture, ITestOutputHelper output) : IClassFixture<FleetTrafficFixture>
{
    [Fact]
    public async Task DeadBackend_IsEjectedOnEverySilo_FromWhatAnySiloSaw()
    {
        var silos = fixture.Silos.ToList();
        foreach (var silo in silos)
        {
            Assert.StartsWith("pool-", await silo.WhoAnswersAsync("pool.test", "/"));
        }

        var victim = fixture.Pool[1];
        var address = $"127.0.0.1:{victim.Port}";
        await using var load = new Load(silos, "pool.test", workersPerSilo: [3, 1, 1]);
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        await victim.DisposeAsync();
        var ejectedAt = new ConcurrentDictionary<string, double>();
        await Eventually.HoldsAsync(
            async () =>
            {
                foreach (var silo in silos.Where(s => !ejectedAt.ContainsKey(NameOf(s))))
                {
                    if (await EjectedAsync(silo, "default/pool:http", address))
                    {
                        ejectedAt[silo.Arguments[5]] = clock.Elapsed.TotalMilliseconds;
                    }
                }

                return ejectedAt.Count == silos.Count;
            },
            TimeSpan.FromSeconds(15),
            "the dead destination ejected on every silo");
        output.WriteLine($"backend killed -> ejected on every silo: {string.Join(", ", ejectedAt.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value:0} ms"))}; failed requests meanwhile: {load.Failed}");

        // The decision's time is on the ejection; every silo applied it within a second of it.
        var decided = (await silos[0].AdminJsonAsync("/api/v1/health")).GetProperty("backends").EnumerateArray()
            .Single(b => b.GetProperty("backend").GetString() == "default/pool:http").GetProperty("destinations").EnumerateArray()
            .Single(d => d.GetProperty("destination").GetString() == address).GetProperty("since").GetDateTimeOffset();
        var decisionAfterKill = (decided - (DateTimeOffset.UtcNow - clock.Elapsed)).TotalMilliseconds;
        var lastSilo = ejectedAt.Values.Max();
        output.WriteLine($"decided {decisionAfterKill:0} ms after the kill; applied by the last silo {lastSilo - decisionAfterKill:0} ms after the decision (at most, polling included)");
        Assert.True(lastSilo - decisionAfterKill < 1000, $"a silo applied the ejection {lastSilo - decisionAfterKill:0} ms after the decision");

        // From then on no silo sends to it: nothing fails, on any silo.
        await Task.Delay(300);
        load.Reset();
        await Task.Delay(2000);
        output.WriteLine($"after the ejection: {load.Succeeded} requests, {load.Failed} failed");
        Assert.True(load.Succeeded > 50);
        Assert.Equal(0, load.Failed);
        var health = await silos[^1].AdminJsonAsync("/api/v1/health");
        var entry = health.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("backend").GetString() == "default/pool:http")
            .GetProperty("destinations").EnumerateArray().Single(d => d.GetProperty("destination").GetString() == address);
        Assert.False(entry.GetProperty("healthy").GetBoolean());
        Assert.Contains("failed", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("silo-", entry.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Canary_SplitsClientsFleetWide_AndEachClientKeepsItsSide_OnEverySilo()
    {
        // 150 clients, each from its own loopback address, each asking every silo: the share of clients on the
        // canary is the weight's within a few points, and no client sees two versions.
        const int clients = 150;
        await fixture.EnsureThreeSilosAsync();
        var silos = fixture.Silos.ToList();
        var onCanary = 0;
        for (var c = 0; c < clients; c++)
        {
            var address = System.Net.IPAddress.Parse($"127.1.{c / 200}.{(c % 200) + 1}");
            using var client = LoopbackClient.From(address);
            var sides = new HashSet<string>();
            foreach (var silo in silos)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{silo.Ports.Http}/");
                request.Headers.Host = "split.test";
                using var response = await client.SendAsync(request);
                sides.Add(response.Headers.GetValues("X-Echo-Backend").Single());
            }

            Assert.True(sides.Count == 1, $"client {address} saw {string.Join(" and ", sides)}");
            onCanary += sides.Single() == "canary" ? 1 : 0;
        }

        var share = onCanary * 100.0 / clients;
        output.WriteLine($"canary: {onCanary} of {clients} clients ({share:0.#}%, weight {FleetTrafficFixture.CanaryWeight}%) through {silos.Count} silos, each client on one side on every silo");
        Assert.InRange(share, FleetTrafficFixture.CanaryWeight - 8, FleetTrafficFixture.CanaryWeight + 8);

        // The header overrides the weight on every silo.
        foreach (var silo in silos)
        {
            foreach (var (value, expected) in new[] { ("always", "canary"), ("never", "stable") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Host = "split.test";
                request.Headers.Add("X-Canary", value);
                using var response = await silo.Proxy.SendAsync(request);
                Assert.Equal(expected, response.Headers.GetValues("X-Echo-Backend").Single());
            }
        }
    }

    [Fact]
    public async Task AffinityCookie_IsHonouredByEverySilo()
    {
        var silos = fixture.Silos.ToList();
        for (var client = 0; client < 5; client++)
        {
            // A silo killed by an earlier test of this class may still be rejoining: wait for a backend's answer.
            using var first = await Eventually.ValueAsync(
                async () =>
                {
                    var response = await GetAsync(silos[client % silos.Count], "sticky.test", cookie: null);
                    if (response.Headers.Contains("X-Echo-Backend") && response.Headers.Contains("Set-Cookie"))
                    {
                        return response;
                    }

                    response.Dispose();
                    return null;
                },
                TimeSpan.FromSeconds(20),
                "a backend's answer with an affinity cookie");
            var setCookie = first.Headers.GetValues("Set-Cookie").Single();
            Assert.StartsWith("ingressfleet-affinity=", setCookie, StringComparison.Ordinal);
            var cookie = setCookie.Split(';')[0];
            var backend = first.Headers.GetValues("X-Echo-Backend").Single();
            foreach (var silo in silos)
            {
                for (var i = 0; i < 5; i++)
                {
                    using var again = await GetAsync(silo, "sticky.test", cookie);
                    Assert.Equal(backend, again.Headers.GetValues("X-Echo-Backend").Single());
                    Assert.False(again.Headers.Contains("Set-Cookie"));
                }
            }
        }
    }

    [Fact]
    public async Task RateLimit_HoldsFleetWide_UnderUnevenLoad()
    {
        var silos = fixture.Silos.ToList();
        await using var load = new Load(silos, "rated.test", workersPerSilo: [4, 1, 1], pause: TimeSpan.FromMilliseconds(20));
        await Task.Delay(2000);
        load.Reset();
        await Task.Delay(10_000);
        var (ok, limited, failed) = (load.Succeeded, load.Status(429), load.Failed - load.Status(429));
        var rate = ok / 10.0;
        output.WriteLine($"limit {FleetTrafficFixture.RateLimit} rps: {rate:0.0} rps admitted over 10 s ({ok} x 200, {limited} x 429, {failed} other); by silo: {string.Join(", ", load.SucceededBySilo.Select((n, i) => $"silo {i + 1} {n}"))}");
        Assert.Equal(0, failed);
        Assert.InRange(rate, FleetTrafficFixture.RateLimit * 0.9, FleetTrafficFixture.RateLimit * 1.1);
        Assert.True(limited > 0);
    }

    [Fact]
    public async Task PerClientRate_HoldsFleetWide_ForEachClient_ThroughThreeSilos()
    {
        // ingress-nginx's limit-rps, per client address: two clients, each sending through all three silos
        // (unevenly), each gets the limit for the whole fleet, not once per silo as on ingress-nginx's replicas.
        await fixture.EnsureThreeSilosAsync();
        var silos = fixture.Silos.ToList();
        var limit = FleetTrafficFixture.ClientRateLimit;
        var pause = TimeSpan.FromMilliseconds(10);
        await using var first = new Load(silos, "per-client.test", workersPerSilo: [3, 1, 1], pause, System.Net.IPAddress.Parse("127.3.0.1"));
        await using var second = new Load(silos, "per-client.test", workersPerSilo: [1, 1, 3], pause, System.Net.IPAddress.Parse("127.3.0.2"));
        await Task.Delay(1000);
        var (firstStart, secondStart) = (first.Succeeded, second.Succeeded);
        first.Reset();
        second.Reset();
        await Task.Delay(8000);
        var (a, b) = (first.Succeeded / 8.0, second.Succeeded / 8.0);
        output.WriteLine(
            $"limit-rps {limit} per client, burst multiplier 1, through {silos.Count} silos: first second (bucket of {limit + 1} per silo until the fleet shares it) {firstStart} and {secondStart} admitted; " +
            $"then over 8 s {a:0.0} and {b:0.0} rps ({a / limit:P0}, {b / limit:P0} of the limit); by silo {string.Join("/", first.SucceededBySilo)} and {string.Join("/", second.SucceededBySilo)}; " +
            $"refused {first.Status(503)} and {second.Status(503)} x 503");
        Assert.Equal(0, first.Failed - first.Status(503));
        Assert.Equal(0, second.Failed - second.Status(503));
        Assert.InRange(a, limit * 0.85, limit * 1.15);
        Assert.InRange(b, limit * 0.85, limit * 1.15);
        Assert.True(first.Status(503) > 0 && second.Status(503) > 0);
    }

    [Fact]
    public async Task PerClientConnections_HoldFleetWide_ThroughThreeSilos()
    {
        // ingress-nginx's limit-connections, per client address: one client with four requests at a time on each
        // of three silos has at most the limit in flight at the backend once the silos share it, and uses it.
        await fixture.EnsureThreeSilosAsync();
        var silos = fixture.Silos.ToList();
        var limit = FleetTrafficFixture.ClientConnections;
        var backend = fixture.PerClientSlow;
        await using var load = new Load(silos, "per-client-slow.test", workersPerSilo: [4, 4, 4], TimeSpan.FromMilliseconds(20), System.Net.IPAddress.Parse("127.3.1.1"));
        await Task.Delay(1000);
        var startPeak = backend.Peak;
        await Task.Delay(1000);
        backend.ResetPeak();
        load.Reset();
        var samples = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            await Task.Delay(100);
            samples.Add(backend.Current);
        }

        output.WriteLine(
            $"limit-connections {limit} per client through {silos.Count} silos, 12 requests wanted at once: peak at the backend {startPeak} in the first second (each silo's whole limit until the fleet shares it), " +
            $"then {backend.Peak}; in flight every 100 ms: mean {samples.Average():0.0}; {load.Succeeded} x 200 and {load.Status(503)} x 503 over 6 s, by silo {string.Join("/", load.SucceededBySilo)}");
        Assert.Equal(0, load.Failed - load.Status(503));
        Assert.InRange(backend.Peak, 1, limit);
        Assert.True(samples.Average() >= limit * 0.6, $"the limit was used at {samples.Average() / limit:P0}");
    }

    [Fact]
    public async Task ConnectionLimit_HoldsFleetWide_IsUsed_AndAKilledSilosPermitsReturn()
    {
        var silos = fixture.Silos.ToList();
        var slow = fixture.Slow;
        await using (var warm = new Load(silos, "slow.test", workersPerSilo: [2, 2, 2]))
        {
            await Task.Delay(1000);
        }

        // Most of the load through one silo.
        var load = new Load(silos, "slow.test", workersPerSilo: [40, 6, 6]);
        await Task.Delay(1000);
        slow.ResetPeak();
        load.Reset();
        var served = slow.Served;
        var clockUse = Stopwatch.StartNew();
        var inUse = new List<double>();
        while (clockUse.Elapsed < TimeSpan.FromSeconds(6))
        {
            await Task.Delay(500);
            inUse.Add((await SlowLimitAsync(silos[1])).GetProperty("used").GetDouble());
        }

        var throughput = (slow.Served - served) / clockUse.Elapsed.TotalSeconds;
        var ideal = FleetTrafficFixture.MaxConnections / slow.ServiceTime.TotalSeconds;
        output.WriteLine($"limit {FleetTrafficFixture.MaxConnections}: backend peak {slow.Peak}; permits in use fleet-wide (grain's view, every 0.5 s) {string.Join(" ", inUse)}; backend throughput {throughput:0} req/s of an ideal {ideal:0} ({throughput / ideal:P0}); by silo {string.Join(", ", load.SucceededBySilo)} (mean latency {load.MeanLatencies}); failed {load.Failed}");
        Assert.InRange(slow.Peak, 1, FleetTrafficFixture.MaxConnections);
        Assert.True(inUse.Average() >= 0.9 * FleetTrafficFixture.MaxConnections, $"the limit was used at {inUse.Average() / FleetTrafficFixture.MaxConnections:P0}");
        Assert.True(throughput >= 0.6 * ideal, $"the backend got {throughput / ideal:P0} of the limit's throughput");
        Assert.All(load.SucceededBySilo, n => Assert.True(n > 0, "a silo got no permit"));
        Assert.Equal(0, load.Failed);

        // SIGKILL the silo holding most permits; the others' demand takes them over once its lease lapses.
        var leases = (await SlowLimitAsync(silos[1])).GetProperty("leases").EnumerateArray().ToDictionary(l => l.GetProperty("silo").GetString()!, l => l.GetProperty("granted").GetDouble());
        output.WriteLine($"leases before the kill: {string.Join(", ", leases.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        var holder = leases.MaxBy(p => p.Value).Key;
        var victim = silos.Single(s => NameOf(s) == holder);
        var survivors = silos.Where(s => s != victim).ToList();
        // The busy silo stays busy up to its death, so it dies holding its permits.
        await using var survivorLoad = new Load(survivors, "slow.test", workersPerSilo: [20, 20]);
        await Task.Delay(500);
        var atKill = (await SlowLimitAsync(survivors[0])).GetProperty("leases").EnumerateArray().Single(l => l.GetProperty("silo").GetString() == holder).GetProperty("granted").GetDouble();
        slow.ResetPeak();
        var clock = Stopwatch.StartNew();
        victim.Kill();
        fixture.Silos.Remove(victim);
        await load.DisposeAsync();
        output.WriteLine($"{holder} held {atKill} permits when killed");
        Assert.True(atKill >= 5, $"{holder} held only {atKill} permits when killed");
        var regained = await Eventually.HoldsAsync(
            async () =>
            {
                var l = await SlowLimitAsync(survivors[0]);
                if (!l.TryGetProperty("leases", out _))
                {
                    return false;
                }

                var held = l.GetProperty("leases").EnumerateArray().Where(x => x.GetProperty("silo").GetString() != holder).Sum(x => x.GetProperty("granted").GetDouble());
                return held >= FleetTrafficFixture.MaxConnections - 2 && l.GetProperty("leases").EnumerateArray().All(x => x.GetProperty("silo").GetString() != holder);
            },
            TimeSpan.FromSeconds(20),
            "the survivors hold the killed silo's permits");
        output.WriteLine($"SIGKILL of {holder} -> survivors hold the permits {clock.ElapsedMilliseconds} ms later; backend peak since {slow.Peak}");
        Assert.InRange(slow.Peak, 1, FleetTrafficFixture.MaxConnections);
    }

    private static async Task<JsonElement> SlowLimitAsync(HostProcess silo) =>
        (await silo.AdminJsonAsync("/api/v1/limits")).GetProperty("limits").EnumerateArray()
            .Single(l => l.GetProperty("key").GetString()!.StartsWith("connections|default/slow", StringComparison.Ordinal));

    private static string NameOf(HostProcess silo) => silo.Arguments[Array.IndexOf(silo.Arguments, "--name") + 1];

    private static async Task<bool> EjectedAsync(HostProcess silo, string backend, string destination)
    {
        try
        {
            var health = await silo.AdminJsonAsync("/api/v1/health");
            return health.GetProperty("backends").EnumerateArray().Any(b => b.GetProperty("backend").GetString() == backend
                && b.GetProperty("destinations").EnumerateArray().Any(d => d.GetProperty("destination").GetString() == destination && !d.GetProperty("healthy").GetBoolean()));
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>A request with exactly the cookie given (no cookie container remembers any).</summary>
    private static async Task<HttpResponseMessage> GetAsync(HostProcess silo, string host, string? cookie)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = silo.Proxy.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Workers sending requests through given silos until disposed, counting outcomes.</summary>
    private sealed class Load : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<HttpClient> _clients = [];
        private readonly Task[] _workers;
        private readonly int[] _succeeded;
        private readonly long[] _latencyTicks;
        private readonly ConcurrentDictionary<int, int> _statuses = new();
        private int _failed;

        public Load(IReadOnlyList<HostProcess> silos, string host, int[] workersPerSilo, TimeSpan? pause = null, System.Net.IPAddress? from = null)
        {
            _succeeded = new int[silos.Count];
            _latencyTicks = new long[silos.Count];
            var workers = new List<Task>();
            for (var s = 0; s < silos.Count; s++)
            {
                var handler = from is null ? new SocketsHttpHandler { MaxConnectionsPerServer = 1000 } : LoopbackClient.Handler(from);
                var client = new HttpClient(handler) { BaseAddress = silos[s].Proxy.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                _clients.Add(client);
                var index = s;
                for (var w = 0; w < workersPerSilo[s]; w++)
                {
                    workers.Add(Task.Run(async () =>
                    {
                        while (!_stop.IsCancellationRequested)
                        {
                            try
                            {
                                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                                request.Headers.Host = host;
                                var sent = Stopwatch.GetTimestamp();
                                using var response = await client.SendAsync(request, _stop.Token);
                                if (response.IsSuccessStatusCode)
                                {
                                    Interlocked.Increment(ref _succeeded[index]);
                                    Interlocked.Add(ref _latencyTicks[index], Stopwatch.GetElapsedTime(sent).Ticks);
                                }
                                else
                                {
                                    _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                                    Interlocked.Increment(ref _failed);
                                }
                            }
                            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                            {
                                return;
                            }
                            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                            {
                                Interlocked.Increment(ref _failed);
                            }

                            if (pause is { } p)
                            {
                                await Task.Delay(p);
                            }
                        }
                    }));
                }
            }

            _workers = [.. workers];
        }

        public int Succeeded => _succeeded.Sum();

        public int[] SucceededBySilo => [.. _succeeded];

        /// <summary>Mean latency of successful requests, by silo, in milliseconds.</summary>
        public string MeanLatencies => string.Join(", ", _succeeded.Select((n, i) => n == 0 ? "-" : $"{TimeSpan.FromTicks(_latencyTicks[i] / n).TotalMilliseconds:0} ms"));

        public int Failed => Volatile.Read(ref _failed);

        public int Status(int code) => _statuses.GetValueOrDefault(code);

        public void Reset()
        {
            for (var i = 0; i < _succeeded.Length; i++)
            {
                Interlocked.Exchange(ref _succeeded[i], 0);
                Interlocked.Exchange(ref _latencyTicks[i], 0);
            }

            Interlocked.Exchange(ref _failed, 0);
            _statuses.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
                await Task.WhenAll(_workers);
                _clients.ForEach(c => c.Dispose());
                _stop.Dispose();
            }
        }
    }
}

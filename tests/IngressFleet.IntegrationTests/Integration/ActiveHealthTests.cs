using System.Diagnostics;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Integration;

/// <summary>
/// Active health in a fleet of three silo processes: one silo probes (assigned by the backend's grain), a
/// destination that stops answering probes is ejected on every silo without any traffic, it returns when
/// probes pass again, and the probing moves to another silo when the probing one is SIGKILLed.
/// </summary>
public sealed class ActiveHealthTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Backend = "default/probed:http";
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-probes-").FullName;
    private readonly List<HostProcess> _silos = [];
    private readonly List<EchoBackend> _backends = [];
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backends.Add(await EchoBackend.StartAsync("probed-1"));
        _backends.Add(await EchoBackend.StartAsync("probed-2"));
        var objects = new List<object>
        {
            Objects.Ingress("probed").Rule("probed.test", "/", "Prefix", "probed", "http")
                .Annotate("ingressfleet.io/health-check-path", "/healthz")
                .Annotate("ingressfleet.io/health-check-interval", "300ms")
                .Annotate("ingressfleet.io/health-check-timeout", "500ms")
                .Annotate("ingressfleet.io/health-check-unhealthy-threshold", "2")
                .Annotate("ingressfleet.io/health-check-healthy-threshold", "2")
                .Build(),
        };
        objects.AddRange(ObjectsForBackends.ServiceFor("probed", [.. _backends]));
        File.WriteAllText(Path.Combine(_folder, "probed.yaml"), KubernetesYaml.SerializeAll(objects));
        for (var i = 1; i <= 3; i++)
        {
            _silos.Add(HostProcess.Start(SiloPorts.Free(), "--cluster", "redis", "--redis", _redis.Endpoint, "--name", $"silo-{i}", "--manifests", _folder, "--access-log", "off", "--Logging:LogLevel:Default=Warning"));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        await _redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task OneSiloProbes_ProbesEjectAndReadmit_AndProbingMovesWhenThatSiloDies()
    {
        // One prober, the same on every silo's view.
        var prober = await Eventually.ValueAsync(async () => await ConsensusProberAsync(_silos), TimeSpan.FromSeconds(15), "a prober assigned");
        output.WriteLine($"prober: {prober}");

        // A destination that stops answering is ejected by probes alone: no request is sent meanwhile.
        var victim = _backends[1];
        var port = victim.Port;
        var address = $"127.0.0.1:{port}";
        var clock = Stopwatch.StartNew();
        await victim.DisposeAsync();
        _backends.Remove(victim);
        var reason = await Eventually.ValueAsync(async () => await EjectionReasonAsync(_silos, address), TimeSpan.FromSeconds(10), "ejected by probes on every silo");
        output.WriteLine($"stopped answering -> ejected on every silo after {clock.ElapsedMilliseconds} ms: {reason}");
        Assert.Contains("probes", reason, StringComparison.Ordinal);

        // It answers again on the same port: two passing probes bring it back everywhere.
        _backends.Add(await EchoBackend.StartAsync("probed-2", port));
        clock.Restart();
        await Eventually.HoldsAsync(async () => await EjectionReasonAsync(_silos, address) is null && await AllHealthyAsync(_silos, address), TimeSpan.FromSeconds(10), "readmitted on every silo");
        output.WriteLine($"answering again -> readmitted on every silo after {clock.ElapsedMilliseconds} ms");

        // The probing silo dies; another takes the probing over.
        var fleet = await _silos[0].AdminJsonAsync("/api/v1/fleet");
        var entry = fleet.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("silo").GetString() == prober);
        var dead = _silos.Single(s => s.Ports.Admin == entry.GetProperty("adminPort").GetInt32());
        clock.Restart();
        dead.Kill();
        _silos.Remove(dead);
        var next = await Eventually.ValueAsync(async () => await ConsensusProberAsync(_silos) is { } p && p != prober ? p : null, TimeSpan.FromSeconds(20), "probing moved to a live silo");
        output.WriteLine($"prober SIGKILLed -> probing moved to {next} after {clock.ElapsedMilliseconds} ms");

        // And the new prober probes: a failure is still caught.
        await _backends[0].DisposeAsync();
        var first = $"127.0.0.1:{_backends[0].Port}";
        _backends.RemoveAt(0);
        Assert.Contains("probes", await Eventually.ValueAsync(async () => await EjectionReasonAsync(_silos, first), TimeSpan.FromSeconds(10), "ejected by the new prober"), StringComparison.Ordinal);
    }

    private static async Task<JsonElement?> BackendHealthAsync(HostProcess silo)
    {
        try
        {
            return (await silo.AdminJsonAsync("/api/v1/health")).GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("backend").GetString() == Backend);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The prober every silo reports, when they all report the same one.</summary>
    private static async Task<string?> ConsensusProberAsync(IEnumerable<HostProcess> silos)
    {
        var probers = new HashSet<string?>();
        foreach (var silo in silos)
        {
            probers.Add(await BackendHealthAsync(silo) is { } b && b.TryGetProperty("prober", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null);
        }

        return probers.Count == 1 ? probers.Single() : null;
    }

    /// <summary>The reason every silo gives for the destination's ejection, when all of them have it ejected.</summary>
    private static async Task<string?> EjectionReasonAsync(IEnumerable<HostProcess> silos, string address)
    {
        string? reason = null;
        foreach (var silo in silos)
        {
            var destination = await BackendHealthAsync(silo) is { } b ? b.GetProperty("destinations").EnumerateArray().FirstOrDefault(d => d.GetProperty("destination").GetString() == address) : default;
            if (destination.ValueKind != JsonValueKind.Object || destination.GetProperty("healthy").GetBoolean())
            {
                return null;
            }

            reason = destination.TryGetProperty("reason", out var r) ? r.GetString() : string.Empty;
        }

        return reason;
    }

    private static async Task<bool> AllHealthyAsync(IEnumerable<HostProcess> silos, string address)
    {
        foreach (var silo in silos)
        {
            var b = await BackendHealthAsync(silo);
            if (b is null || !b.Value.GetProperty("destinations").EnumerateArray().Any(d => d.GetProperty("destination").GetString() == address && d.GetProperty("healthy").GetBoolean()))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Diagnostics;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Sources;

/// <summary>
/// Two silo processes with the API server as their source: one watches (the source lease holder); killed
/// with SIGKILL, the other takes over the watch and the status writes.
/// </summary>
public sealed class KubernetesFleetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ingressfleet-k8s-fleet-").FullName;
    private readonly List<HostProcess> _silos = [];
    private RedisServer _redis = null!;
    private FakeKubernetesApi _api = null!;
    private EchoBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _api = await FakeKubernetesApi.StartAsync();
        _backend = await EchoBackend.StartAsync("web");
        _api.Apply(
            Objects.Ingress("web").Rule("web.fleet.test", "/", "Prefix", "web", "http").Build(),
            Objects.Service("web", "default", Objects.Port(80, "http")),
            Objects.Slice("web", "default", "http", _backend.Port, ("127.0.0.1", true)),
            KubernetesSourceFixture.LoadBalancer("203.0.113.20"));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _api.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task TheWatcherFailsOver_WhenItsSiloIsKilled()
    {
        var kubeconfig = _api.WriteKubeconfig(_directory);
        for (var i = 1; i <= 2; i++)
        {
            _silos.Add(HostProcess.Start(
                SiloPorts.Free(),
                "--cluster", "redis",
                "--redis", _redis.Endpoint,
                "--name", $"silo-{i}",
                "--source", "Kubernetes", "--backend-loopback", "Allow",
                "--kubeconfig", kubeconfig,
                "--publish-service", "ingressfleet/ingressfleet",
                "--access-log", "off",
                "--Logging:LogLevel:Default=Warning"));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        foreach (var silo in _silos)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "web.fleet.test" } };
            using var response = await silo.Proxy.SendAsync(request);
            Assert.True(
                response.Headers.Contains("X-Echo-Backend"),
                $"a ready silo answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}; status {await silo.Admin.GetStringAsync("/api/v1/status")}; routes {await silo.Admin.GetStringAsync("/api/v1/routes")}");
        }

        await Eventually.HoldsAsync(() => Task.FromResult(StatusIp() == "203.0.113.20"), TimeSpan.FromSeconds(10), "status written");

        var fleet = await _silos[0].AdminJsonAsync("/api/v1/fleet");
        var holder = fleet.GetProperty("controlPlane").GetProperty("sourceHolder").GetString();
        var holderEntry = fleet.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("silo").GetString() == holder);
        var victim = _silos.Single(s => s.Ports.Admin == holderEntry.GetProperty("adminPort").GetInt32());
        var survivor = _silos.Single(s => s != victim);
        var watchesBefore = _api.Requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal));

        var clock = Stopwatch.StartNew();
        victim.Kill();
        _api.Apply(Objects.Ingress("after").Rule("after.fleet.test", "/", "Prefix", "web", "http").Build());
        await Eventually.HoldsAsync(async () => await survivor.WhoAnswersAsync("after.fleet.test", "/") == "web", TimeSpan.FromSeconds(30), "the survivor watches and serves");
        output.WriteLine($"an Ingress created right after the SIGKILL of the watching silo was served by the survivor {clock.ElapsedMilliseconds} ms later");
        Assert.True(_api.Requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal)) > watchesBefore, "no new watch after the fail-over");

        // The survivor writes status now.
        _api.Apply(KubernetesSourceFixture.LoadBalancer("203.0.113.21"));
        await Eventually.HoldsAsync(() => Task.FromResult(StatusIp() == "203.0.113.21"), TimeSpan.FromSeconds(10), "status written by the survivor");
        Assert.Equal("web", await survivor.WhoAnswersAsync("web.fleet.test", "/"));
    }

    private string? StatusIp() => _api.Get("ingresses", "default", "web")?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.GetValue<string>();
}

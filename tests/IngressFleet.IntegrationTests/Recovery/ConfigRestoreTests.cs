using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Recovery;

/// <summary>
/// The config grain's stored index (its version, and which Ingresses and backends hold config, in shards written
/// only where a change touched them) restores exactly the config in force: the fleet's only silo stops, and a new
/// silo whose source cannot read its folder serves what was committed, removals included, from Redis alone. (A
/// SIGKILL of the only silo would leave it in the membership table with nobody to declare it dead; killing one silo
/// of several is the chaos suite's part.)
/// </summary>
public sealed class ConfigRestoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-restore-").FullName;
    private RedisServer _redis = null!;
    private EchoBackend _web = null!;
    private HostProcess? _silo;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _web = await EchoBackend.StartAsync("web");
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            output.WriteLine(string.Join('\n', _silo.Process.ReadLog().Split('\n').TakeLast(20)));
            await _silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _web.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ASiloWithoutItsSource_RestoresTheCommittedConfig_FromTheStore()
    {
        // Enough Ingresses that every shard of the index holds some, and changes that add, change and remove.
        var hosts = Enumerable.Range(0, 200).Select(i => $"app-{i}.test").ToList();
        ManifestWriter.Write(_folder, "web.yaml", [.. ObjectsForBackends.ServiceFor("web", _web)]);
        ManifestWriter.Write(_folder, "apps.yaml", [.. hosts.Select((h, i) => Objects.Ingress($"app-{i}").Rule(h, "/", "Prefix", "web", "http").Build())]);
        _silo = Start(_folder);
        await _silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await ServesAsync(hosts[^1], "web");

        // One Ingress removed, one moved to another host: each touches one shard, not the whole index.
        ManifestWriter.Write(_folder, "apps.yaml", [.. hosts.Select((h, i) => i == 7 ? null : Objects.Ingress($"app-{i}").Rule(i == 9 ? "moved.test" : h, "/", "Prefix", "web", "http").Build()).OfType<object>()]);
        await ServesAsync("moved.test", "web");
        await ServesAsync(hosts[7], "404");
        var committed = (await _silo.AdminJsonAsync("/api/v1/status")).GetProperty("version").GetInt64();

        _silo.Terminate();
        await _silo.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await _silo.DisposeAsync();

        // A folder that does not exist is input that cannot be read: the new silo publishes nothing and serves
        // only what the store restores.
        _silo = Start(Path.Combine(_folder, "missing"));
        await ServesAsync("moved.test", "web");
        await ServesAsync(hosts[0], "web");
        await ServesAsync(hosts[^1], "web");
        Assert.Equal("404", await _silo.WhoAnswersAsync(hosts[7], "/"));
        Assert.Equal("404", await _silo.WhoAnswersAsync(hosts[9], "/"));
        var restored = await _silo.AdminJsonAsync("/api/v1/status");
        Assert.Equal(committed, restored.GetProperty("version").GetInt64());
        Assert.Equal(hosts.Count - 1, restored.GetProperty("ingresses").GetInt32());
    }

    private HostProcess Start(string folder) => HostProcess.Start(
        SiloPorts.Free(),
        "--cluster", "redis", "--redis", _redis.Endpoint, "--name", "restore", "--manifests", folder, "--access-log", "off", "--shutdown-delay", "0");

    private async Task ServesAsync(string host, string expected) =>
        await Eventually.HoldsAsync(async () => await _silo!.WhoAnswersAsync(host, "/") == expected, Converge, $"{host} answered by {expected}");
}

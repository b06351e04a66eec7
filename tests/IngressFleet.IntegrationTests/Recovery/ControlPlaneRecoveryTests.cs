using System.Diagnostics;
using System.Net;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Recovery;

/// <summary>
/// The control plane heals itself: three silo processes on one manifest folder and a real redis-server that
/// loses all its data while the fleet runs, and a source holder frozen with SIGSTOP past its lease.
/// </summary>
public sealed class ControlPlaneRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-recovery-").FullName;
    private readonly List<HostProcess> _silos = [];
    private RedisServer _redis = null!;
    private EchoBackend _web = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _web = await EchoBackend.StartAsync("web");
        Write("web.yaml", [Objects.Ingress("web").Rule("web.test", "/", "Prefix", "web", "http").Build(), .. ObjectsForBackends.ServiceFor("web", _web)]);
        for (var i = 1; i <= 3; i++)
        {
            _silos.Add(HostProcess.Start(
                SiloPorts.Free(),
                "--cluster", "redis", "--redis", _redis.Endpoint, "--name", $"silo-{i}", "--manifests", _folder, "--access-log", "off", "--shutdown-delay", "0"));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        await ServedEverywhereAsync("web.test", _silos);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            // What each silo said, for the reader of a failure.
            output.WriteLine($"--- silo on admin port {silo.Ports.Admin}, last lines:\n" + string.Join('\n', silo.Process.ReadLog().Split('\n').Where(l => l.Contains("warn", StringComparison.Ordinal) || l.Contains("fail", StringComparison.Ordinal)).TakeLast(15)));
            silo.Process.Signal("CONT");
            await silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _web.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task RedisRestartedWithoutData_TheFleetHeals_AndServesNewChangesEverywhere()
    {
        await _redis.RestartEmptyAsync();
        var clock = Stopwatch.StartNew();

        // The fleet view answers (200, or 503 with a reason) while the control plane recovers; never 500.
        using var watching = new CancellationTokenSource();
        var fleetViews = WatchFleetViewAsync(_silos[0], watching.Token);

        for (var round = 1; round <= 2; round++)
        {
            var host = $"after-{round}.test";
            Write($"after-{round}.yaml", [Objects.Ingress($"after-{round}").Rule(host, "/", "Prefix", "web", "http").Build()]);
            var took = await ServedEverywhereAsync(host, _silos);
            output.WriteLine($"change {round} after Redis lost its data: served by every silo {took.TotalMilliseconds:0} ms after it was written ({clock.ElapsedMilliseconds} ms after the restart)");
        }

        string? lastView = null;
        using var printLastView = new Finally(() => output.WriteLine($"last fleet view: {lastView}"));
        await Eventually.HoldsAsync(
            async () =>
            {
                var view = await _silos[0].TryAdminJsonAsync("/api/v1/fleet");
                lastView = view?.ToString();
                return view is { } fleet && fleet.GetProperty("silos").GetArrayLength() == 3;
            },
            Converge,
            "the fleet view lists three silos again");
        output.WriteLine($"fleet view after recovery: {lastView}");

        await watching.CancelAsync();
        var statuses = await fleetViews;
        output.WriteLine($"fleet view answers during recovery: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        Assert.All(_silos, s => Assert.False(s.Process.HasExited, $"a silo exited:\n{s.Process.ReadLog()}"));
    }

    [Fact]
    public async Task FrozenSourceHolder_ResumedPastItsLease_IsRefused()
    {
        var fleet = (await Eventually.ValueAsync(async () => await _silos[0].TryAdminJsonAsync("/api/v1/fleet"), Converge, "fleet view"))!.Value;
        var holderAddress = fleet.GetProperty("controlPlane").GetProperty("sourceHolder").GetString();
        var holder = _silos.Single(s => fleet.GetProperty("silos").EnumerateArray().Any(x => x.GetProperty("silo").GetString() == holderAddress && x.GetProperty("adminPort").GetInt32() == s.Ports.Admin));
        var others = _silos.Where(s => s != holder).ToList();
        var term = fleet.GetProperty("controlPlane").GetProperty("sourceLeaseTerm").GetInt64();

        holder.Process.Signal("STOP");
        try
        {
            // Another silo takes the lease and serves a change the frozen holder never saw.
            await Eventually.HoldsAsync(
                async () => await others[0].TryAdminJsonAsync("/api/v1/fleet") is { } f && f.GetProperty("controlPlane").GetProperty("sourceLeaseTerm").GetInt64() > term,
                Converge,
                "a new source term");
            Write("while-frozen.yaml", [Objects.Ingress("while-frozen").Rule("frozen.test", "/", "Prefix", "web", "http").Build()]);
            await ServedEverywhereAsync("frozen.test", others);
        }
        finally
        {
            holder.Process.Signal("CONT");
        }

        // Whatever the resumed silo still had in flight under its old term is refused: the change stays served.
        Write("after-resume.yaml", [Objects.Ingress("after-resume").Rule("resumed.test", "/", "Prefix", "web", "http").Build()]);
        await ServedEverywhereAsync("resumed.test", others);
        Assert.Equal("web", await others[0].WhoAnswersAsync("frozen.test", "/"));
        var log = holder.Process.ReadLog();
        output.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("term", StringComparison.OrdinalIgnoreCase) || l.Contains("dead", StringComparison.OrdinalIgnoreCase)).TakeLast(10)));
    }

    private sealed class Finally(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private static async Task<List<HttpStatusCode>> WatchFleetViewAsync(HostProcess silo, CancellationToken cancellationToken)
    {
        var statuses = new List<HttpStatusCode>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await silo.Admin.GetAsync("/api/v1/fleet", cancellationToken);
                statuses.Add(response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The admin port is busy or the watch ended: not an answer.
            }

            await Task.Delay(200, CancellationToken.None);
        }

        return statuses;
    }

    private static async Task<TimeSpan> ServedEverywhereAsync(string host, IReadOnlyList<HostProcess> silos)
    {
        var clock = Stopwatch.StartNew();
        foreach (var silo in silos)
        {
            await Eventually.HoldsAsync(async () => await silo.WhoAnswersAsync(host, "/") == "web", Converge, $"{host} served by the silo on admin port {silo.Ports.Admin}");
        }

        return clock.Elapsed;
    }

    private void Write(string file, object[] objects) => ManifestWriter.Write(_folder, file, objects);
}

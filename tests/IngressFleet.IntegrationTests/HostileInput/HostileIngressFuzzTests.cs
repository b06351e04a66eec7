using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.HostileInput;

/// <summary>
/// Every annotation IngressFleet reads, and some it does not, set to hostile values on a running host process,
/// through write, edit and delete: the process stays up, a valid Ingress keeps answering, a new valid Ingress
/// is served within seconds after each step, and each hostile Ingress is either rejected with a reason naming
/// its annotation or served without harm (no 500).
/// </summary>
public sealed class HostileIngressFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-fuzz-").FullName;
    private EchoBackend _backend = null!;
    private HostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync("echo");
        Write("stable.yaml", [Objects.Ingress("stable").Rule("stable.test", "/", "Prefix", "echo", "http").Build(), .. ObjectsForBackends.ServiceFor("echo", _backend)]);
        _host = HostProcess.Start("--manifests", _folder, "--shutdown-delay", "0");
        await _host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("stable.test", "/") == "echo", Bound, "stable.test served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private const int KeysPerFile = 20;

    [Fact]
    public async Task HostileAnnotationValues_ThroughWriteEditDelete_NeverStopTheHostNorFreezeTheConfig()
    {
        var keys = HostileValues.Keys;
        var values = HostileValues.Values;
        var steps = new (string Name, Func<int, int>? ValueOf)[] { ("write", j => j), ("edit", j => (j + 1) % values.Count), ("delete", null) };
        var summary = new List<string>();
        for (var step = 0; step < steps.Length; step++)
        {
            var (name, valueOf) = steps[step];
            if (valueOf is null)
            {
                foreach (var file in Directory.EnumerateFiles(_folder, "fuzz-*.yaml"))
                {
                    File.Delete(file);
                }
            }
            else
            {
                // A file per few keys: all of them in one would pass the manifest folder's file-size limit.
                foreach (var chunk in Enumerable.Range(0, keys.Count).Chunk(KeysPerFile))
                {
                    var ingresses = new List<object>();
                    foreach (var i in chunk)
                    {
                        for (var j = 0; j < values.Count; j++)
                        {
                            ingresses.Add(Objects.Ingress(FuzzName(i, j)).Rule(FuzzHost(i, j), "/", "Prefix", "echo", "http")
                                .Annotate("ingressfleet.io/health-check-path", "/healthz")
                                .Annotate(keys[i], values[valueOf(j)]).Build());
                        }
                    }

                    Write(string.Create(CultureInfo.InvariantCulture, $"fuzz-{chunk[0]}.yaml"), [.. ingresses]);
                }
            }

            // A new valid Ingress after each step is served within the bound: the config did not freeze.
            var probe = $"probe-{step.ToString(CultureInfo.InvariantCulture)}";
            Write($"{probe}.yaml", [Objects.Ingress(probe).Rule($"{probe}.test", "/", "Prefix", "echo", "http").Build()]);
            var took = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync($"{probe}.test", "/") == "echo", Bound, $"{name}: {probe}.test served");
            Assert.False(_host.Process.HasExited, $"{name}: the host exited:\n{_host.Process.ReadLog()}");
            Assert.Equal("echo", await _host.WhoAnswersAsync("stable.test", "/"));

            if (valueOf is not null)
            {
                var (rejected, served) = await CheckEachAsync(keys, valueOf, name);
                summary.Add($"{name}: {rejected} rejected with a reason, {served} served without harm; a new Ingress was served {took.TotalMilliseconds:0} ms after the step");
            }
            else
            {
                var problems = await _host.AdminJsonAsync("/api/v1/problems?limit=1000");
                Assert.DoesNotContain(problems.GetProperty("rejected").EnumerateArray(), p => p.GetProperty("name").GetString()!.StartsWith("f-", StringComparison.Ordinal));
                Assert.Equal("404", await _host.WhoAnswersAsync(FuzzHost(0, 0), "/"));
                summary.Add($"{name}: every hostile Ingress gone; a new Ingress was served {took.TotalMilliseconds:0} ms after the step");
            }
        }

        Assert.False(_host.Process.HasExited);
        foreach (var line in summary)
        {
            output.WriteLine(line);
        }
    }

    [Fact]
    public async Task MalformedRequestBody_LogsNoStackTrace()
    {
        var before = _host.Process.ReadLog().Length;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, _host.Ports.Http);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: stable.test\r\nTransfer-Encoding: chunked\r\n\r\nZZZ-not-a-chunk\r\n\r\n"));
            var answer = new byte[4096];
            var read = await stream.ReadAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.StartsWith("HTTP/1.1 4", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        }

        // A publish logs a line: once it is in the log, whatever the bad request logged is there too.
        Write("marker.yaml", [Objects.Ingress("marker").Rule("marker.test", "/", "Prefix", "echo", "http").Build()]);
        var log = await Eventually.ValueAsync(
            async () =>
            {
                await Task.Yield();
                var text = _host.Process.ReadLog();
                return text.Length > before && text[before..].Contains("Published config version", StringComparison.Ordinal) ? text[before..] : null;
            },
            Bound,
            "the marker publish logged");
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.True(log.Length < 4096, $"{log.Length} bytes logged:\n{log}");
    }

    /// <summary>Each hostile Ingress: rejected with its annotation named, or served without a 500.</summary>
    private async Task<(int Rejected, int Served)> CheckEachAsync(IReadOnlyList<string> keys, Func<int, int> valueOf, string step)
    {
        var values = HostileValues.Values;

        // Wait until every hostile Ingress of this step is either listed as rejected, routed, or listed as serving
        // nothing with the reason (a canary that no main Ingress has a path for).
        var reasons = await Eventually.ValueAsync(
            async () =>
            {
                var rejected = await RejectedAsync();
                var routes = (await _host.AdminJsonAsync("/api/v1/routes")).GetProperty("routes").EnumerateArray()
                    .Select(r => r.GetProperty("host").GetString()!).ToHashSet(StringComparer.Ordinal);
                var servingNothing = (await _host.AdminJsonAsync("/api/v1/problems?limit=1000")).GetProperty("conflicts").EnumerateArray()
                    .Where(c => c.GetProperty("winner").GetString()!.Length == 0)
                    .Select(c => c.GetProperty("host").GetString()!).ToHashSet(StringComparer.Ordinal);
                var unsettled = Enumerable.Range(0, keys.Count).SelectMany(i => Enumerable.Range(0, values.Count).Where(j =>
                    !(rejected.TryGetValue(FuzzName(i, j), out var r) ? r.Contains(keys[i], StringComparison.Ordinal)
                    : routes.Contains(FuzzHost(i, j)) || servingNothing.Contains(FuzzHost(i, j)))).Select(j => $"{keys[i]}={Shown(values[valueOf(j)])}")).ToList();

                // The last error of the wait says which are not settled yet.
                return unsettled.Count == 0 ? rejected : throw new InvalidOperationException(
                    $"{unsettled.Count} not settled, such as {string.Join("; ", unsettled.Take(5))}; the host's last log lines:\n{string.Join('\n', _host.Process.ReadLog().Split('\n').TakeLast(8))}");
            },
            TimeSpan.FromSeconds(30),
            $"{step}: every hostile Ingress rejected or routed");

        var (rejectedCount, served) = (0, 0);
        for (var i = 0; i < keys.Count; i++)
        {
            for (var j = 0; j < values.Count; j++)
            {
                if (reasons.TryGetValue(FuzzName(i, j), out var reason))
                {
                    Assert.Contains(keys[i], reason, StringComparison.Ordinal);
                    rejectedCount++;
                    continue;
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, "/");
                request.Headers.Host = FuzzHost(i, j);
                using var response = await _host.Proxy.SendAsync(request);
                Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{step}: {keys[i]}={Shown(values[valueOf(j)])} was accepted and answers 500");
                served++;
            }
        }

        return (rejectedCount, served);
    }

    /// <summary>The reasons of every rejected hostile Ingress, by name, read through every page.</summary>
    private async Task<Dictionary<string, string>> RejectedAsync()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await _host.AdminJsonAsync("/api/v1/problems?limit=1000" + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}"));
            foreach (var p in page.GetProperty("rejected").EnumerateArray().Where(p => p.GetProperty("name").GetString()!.StartsWith("f-", StringComparison.Ordinal)))
            {
                all[p.GetProperty("name").GetString()!] = string.Join("; ", p.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            }

            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return all;
    }

    private void Write(string file, object[] objects) => ManifestWriter.Write(_folder, file, objects);

    private static string FuzzName(int key, int value) => string.Create(CultureInfo.InvariantCulture, $"f-{key}-{value}");

    private static string FuzzHost(int key, int value) => string.Create(CultureInfo.InvariantCulture, $"f-{key}-{value}.fuzz.test");

    private static string Shown(string value) => value.Length > 40 ? $"{value[..40]}... ({value.Length} chars)" : value;
}

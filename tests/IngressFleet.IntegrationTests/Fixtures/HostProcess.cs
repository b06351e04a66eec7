using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace IngressFleet.Tests.Fixtures;

/// <summary>The ports one silo process uses.</summary>
public sealed record SiloPorts(int Http, int Admin, int Silo, int Gateway, int Https)
{
    public static SiloPorts Free()
    {
        var p = FreePorts.Take(5);
        return new SiloPorts(p[0], p[1], p[2], p[3], p[4]);
    }

    public string[] Args =>
    [
        "--listen-address", "127.0.0.1",
        "--http-port", Text(Http),
        "--https-port", Text(Https),
        "--admin-port", Text(Admin),
        "--silo-port", Text(Silo),
        "--gateway-port", Text(Gateway),
    ];

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The IngressFleet executable (the apphost built next to the tests) as a separate process.
/// <see cref="Kill"/> ends it with SIGKILL, as a crash would; <see cref="Terminate"/> with SIGTERM.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private HostProcess(ChildProcess process, SiloPorts ports, string[] args)
    {
        _process = process;
        Ports = ports;
        Arguments = args;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Admin}"), Timeout = TimeSpan.FromSeconds(10) };
        // What the proxy answers is what is tested: redirects are not followed.
        Proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public SiloPorts Ports { get; }

    /// <summary>The arguments it was started with (ports excluded), to restart it alike.</summary>
    public string[] Arguments { get; }

    public HttpClient Admin { get; }

    public HttpClient Proxy { get; }

    public ChildProcess Process => _process;

    public static HostProcess Start(params string[] args) => Start(SiloPorts.Free(), args);

    public static HostProcess Start(SiloPorts ports, params string[] args) => Start(ports, new Dictionary<string, string>(), args);

    public static HostProcess Start(SiloPorts ports, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(ChildProcess.Start(Path.Combine(AppContext.BaseDirectory, "IngressFleet.Host"), [.. args, .. ports.Args], environment: environment), ports, args);

    /// <summary>
    /// Waits until the host says it is ready. When it does not, the failure carries what the host said about its
    /// readiness and the end of its log, so a start-up that failed on a loaded machine can be diagnosed from CI output.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    if (_process.HasExited)
                    {
                        Assert.Fail($"the host exited with code {_process.ExitCode}:\n{_process.ReadLog()}");
                    }

                    return await IsReadyAsync();
                },
                timeout,
                $"host on admin port {Ports.Admin} ready");
        }
        catch (Xunit.Sdk.FailException e) when (!_process.HasExited)
        {
            throw new Xunit.Sdk.XunitException(
                $"{e.Message}\nreadiness: {await ReadinessDetailAsync()}\nlog (last {LogLinesOnFailure} lines):\n{LastLines(_process.ReadLog(), LogLinesOnFailure)}");
        }
    }

    private const int LogLinesOnFailure = 40;

    private async Task<string> ReadinessDetailAsync()
    {
        try
        {
            using var response = await Admin.GetAsync("/healthz/ready");
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"no answer ({e.GetType().Name}: {e.Message})";
        }
    }

    private static string LastLines(string text, int count) =>
        string.Join('\n', text.Split('\n').TakeLast(count));

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Admin.GetAsync("/healthz/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<JsonElement> AdminJsonAsync(string path) => await Admin.GetFromJsonAsync<JsonElement>(path);

    /// <summary>The admin answer, or null while the admin API says it cannot answer (e.g. 503 during a failover).</summary>
    public async Task<JsonElement?> TryAdminJsonAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Which backend answers on this silo's own port, or the status code when none does.</summary>
    public async Task<string> WhoAnswersAsync(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        HttpResponseMessage response;
        try
        {
            response = await Proxy.SendAsync(request);
        }
        catch (HttpRequestException) when (_process.HasExited)
        {
            // A refused connection says only that nothing listens; say why, for a failure seen only in CI output.
            throw new InvalidOperationException($"the host exited with code {_process.ExitCode}; its log ends:\n{LastLines(_process.ReadLog(), 15)}");
        }

        using var _ = response;
        return response.Headers.TryGetValues("X-Echo-Backend", out var names) ? names.First() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }

    public void Kill() => _process.Kill();

    public void Terminate() => _process.Terminate();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Proxy.Dispose();
        await _process.DisposeAsync();
    }
}

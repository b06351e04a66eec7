using System.Diagnostics;
using System.Globalization;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// The IngressFleet executable as a separate process (the apphost built next to the tests), with its output
/// in a log file. Disposing stops it; <see cref="Kill"/> ends it with SIGKILL, as a crash would.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, string logFile, int httpPort, int adminPort)
    {
        _process = process;
        LogFile = logFile;
        HttpPort = httpPort;
        AdminPort = adminPort;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string LogFile { get; }

    public int HttpPort { get; }

    public int AdminPort { get; }

    public HttpClient Admin { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the host with free ports for everything not given in <paramref name="args"/>.</summary>
    public static HostProcess Start(params string[] args)
    {
        var ports = FreePorts.Take(4);
        var logFile = Path.Combine(Path.GetTempPath(), $"ingressfleet-{Guid.NewGuid():N}.log");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "IngressFleet.Host"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in args.Concat(
        [
            "--listen-address", "127.0.0.1",
            "--http-port", Text(ports[0]),
            "--admin-port", Text(ports[1]),
            "--silo-port", Text(ports[2]),
            "--gateway-port", Text(ports[3]),
        ]))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("the host did not start");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (gate) { log.Flush(); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, logFile, ports[0], ports[1]);
    }

    public async Task WaitReadyAsync(TimeSpan timeout) =>
        await Eventually.HoldsAsync(
            async () =>
            {
                if (HasExited)
                {
                    Assert.Fail($"the host exited with code {_process.ExitCode}:\n{await File.ReadAllTextAsync(LogFile)}");
                }

                try
                {
                    return (await Admin.GetAsync("/healthz/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            timeout,
            "host process ready");

    public async Task<string> WhoAnswersAsync(string host, string path)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{HttpPort}{path}");
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.Headers.TryGetValues("X-Echo-Backend", out var names) ? names.First() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

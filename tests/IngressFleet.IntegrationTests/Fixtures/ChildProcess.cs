using System.Diagnostics;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// A process a test starts (redis-server, haproxy, the IngressFleet host), its output in a log file.
/// Disposing ends it with SIGKILL if it still runs, so a failed test leaves nothing behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();

    private ChildProcess(Process process, StreamWriter log, string logFile)
    {
        _process = process;
        _log = log;
        LogFile = logFile;
    }

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public static ChildProcess Start(string fileName, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var logFile = Path.Combine(Path.GetTempPath(), $"ingressfleet-{Path.GetFileName(fileName)}-{Guid.NewGuid():N}.log");
        var info = new ProcessStartInfo(Which(fileName))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start");
        var child = new ChildProcess(process, new StreamWriter(logFile) { AutoFlush = true }, logFile);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The full path of a program on PATH, or a clear failure naming what installs it.</summary>
    public static string Which(string fileName)
    {
        if (Path.IsPathRooted(fileName))
        {
            return fileName;
        }

        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, fileName))
            .FirstOrDefault(File.Exists);
        return found ?? throw new FileNotFoundException($"{fileName} is not installed; tests/run.sh installs it (apt-get install redis-server haproxy)");
    }

    /// <summary>Waits until something accepts TCP connections on the loopback port, failing if this process exits first.</summary>
    public async Task WaitAcceptingAsync(int port, TimeSpan timeout) =>
        await Eventually.HoldsAsync(
            async () =>
            {
                using var client = new System.Net.Sockets.TcpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", port);
                    return true;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    Assert.False(HasExited, $"the process exited:\n{ReadLog()}");
                    return false;
                }
            },
            timeout,
            $"a process accepting connections on port {port}");

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: a graceful stop.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>) to the process.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    public string ReadLog()
    {
        lock (_gate)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log.WriteLine(line);
        }
    }
}

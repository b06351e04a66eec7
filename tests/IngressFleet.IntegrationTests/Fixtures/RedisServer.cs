using System.Globalization;

namespace IngressFleet.Tests.Fixtures;

/// <summary>A real redis-server on a free loopback port, without persistence, for one test's fleet.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private ChildProcess _process;

    private RedisServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePorts.Take(1)[0];
        var server = new RedisServer(Launch(port), port);
        await server._process.WaitAcceptingAsync(port, TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>SIGKILL, then a new server on the same port: every key is gone, as after a restart without persistence.</summary>
    public async Task RestartEmptyAsync()
    {
        await _process.DisposeAsync();
        _process = Launch(Port);
        await _process.WaitAcceptingAsync(Port, TimeSpan.FromSeconds(10));
    }

    private static ChildProcess Launch(int port) => ChildProcess.Start(
        "redis-server",
        ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Path.GetTempPath()]);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

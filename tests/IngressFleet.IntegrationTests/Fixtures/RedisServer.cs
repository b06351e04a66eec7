using System.Globalization;

namespace IngressFleet.Tests.Fixtures;

/// <summary>A real redis-server on a free loopback port, without persistence, for one test's fleet.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

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
        var process = ChildProcess.Start(
            "redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Path.GetTempPath()]);
        var server = new RedisServer(process, port);
        await process.WaitAcceptingAsync(port, TimeSpan.FromSeconds(10));
        return server;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

using IngressFleet.Core.Logging;

namespace IngressFleet.Host.Demo;

/// <summary>
/// Runs the demo's sample backends in-process, on the loopback ports that the sample EndpointSlices in
/// <c>deploy/local/demo</c> point at.
/// </summary>
internal sealed partial class DemoBackends(ILogger<DemoBackends> logger) : IHostedService
{
    /// <summary>The sample backends: name and port, as in deploy/local/demo/backends.yaml.</summary>
    public static IReadOnlyList<(string Name, int Port)> Samples { get; } =
    [
        ("shop-web-1", 18081),
        ("shop-web-2", 18082),
        ("shop-api", 18083),
        ("docs", 18084),
        ("fallback", 18085),
    ];

    private readonly List<EchoBackend> _running = [];

    /// <summary>Runs the sample backends in a process of their own until it is stopped.</summary>
    public static async Task RunAloneAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddHostedService<DemoBackends>();
        await builder.Build().RunAsync();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, port) in Samples)
        {
            _running.Add(await EchoBackend.StartAsync(name, port, cancellationToken: cancellationToken));
            Log.Started(logger, name, port);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var backend in _running)
        {
            await backend.DisposeAsync();
        }

        _running.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.DemoBackendsStarted, LogLevel.Information, "Demo backend {Name} listening on 127.0.0.1:{Port}")]
        public static partial void Started(ILogger logger, string name, int port);
    }
}

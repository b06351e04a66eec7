using IngressFleet.Core.Logging;
using IngressFleet.DataPlane.Proxy;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace IngressFleet.Host.Hosting;

/// <summary>
/// SIGTERM in three steps: readiness fails at once and responses carry <c>Connection: close</c> (load
/// balancers and Kubernetes stop sending new connections, clients move theirs), then after <see cref="ShutdownOptions.ShutdownDelaySeconds"/> Kestrel stops accepting and
/// in-flight requests get <see cref="ShutdownOptions.DrainTimeoutSeconds"/> to finish; only then do the
/// source, the subscriber and the silo stop (the silo leaves the cluster cleanly). It works in the
/// host's "stopping" phase, which runs before any hosted service (Kestrel's included) is stopped.
/// </summary>
internal sealed partial class GracefulShutdown(IServer server, IOptions<ShutdownOptions> options, TimeProvider time, ILogger<GracefulShutdown> logger) : IHostedLifecycleService, IDrainSignal
{
    private volatile bool _draining;

    /// <summary>True from SIGTERM on: readiness fails and every response asks the client to close its connection.</summary>
    public bool Draining => _draining;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var delay = TimeSpan.FromSeconds(options.Value.ShutdownDelaySeconds);
        var drain = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        Log.Draining(logger, delay, drain);
        await Task.Delay(delay, time, cancellationToken);
        using var drainTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drainTimeout.CancelAfter(drain);
        await server.StopAsync(drainTimeout.Token);
        Log.Drained(logger);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.GracefulShutdownDraining, LogLevel.Information, "Shutting down: readiness fails now, new connections are refused in {Delay}, in-flight requests get {Drain}")]
        public static partial void Draining(ILogger logger, TimeSpan delay, TimeSpan drain);

        [LoggerMessage(EventIds.GracefulShutdownDrained, LogLevel.Information, "Drained: no request in flight; leaving the cluster")]
        public static partial void Drained(ILogger logger);
    }
}

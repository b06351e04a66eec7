using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using IngressFleet.Grains.Observers;
using Orleans.Streams;

namespace IngressFleet.Grains.Health;

/// <inheritdoc cref="IHealthGrain"/>
/// <remarks>
/// Holds the fleet's health view in memory only: the backend grains hold the verdicts. A new activation (its
/// silo died) numbers versions from the clock, above any a silo serves, and asks every backend of the config
/// to publish its health again, so no ejection or prober is forgotten.
/// </remarks>
internal sealed partial class HealthGrain(TimeProvider time, ILogger<HealthGrain> logger) : Grain, IHealthGrain
{
    private HealthSnapshot _current = HealthSnapshot.Empty;
    private readonly ObserverRegistry<IHealthObserver> _observers = new(time);
    private IAsyncStream<HealthDelta>? _stream;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(ControlPlaneNames.ProviderName).GetStream<HealthDelta>(ControlPlaneNames.HealthId);
        _current = HealthSnapshot.Empty with { Version = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 };

        // Once, after activation, interleaving: each backend grain answers by calling SetAsync here.
        this.RegisterGrainTimer(RecollectAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        return Task.CompletedTask;
    }

    public async Task SetAsync(BackendHealth backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (_current.Backends.TryGetValue(backend.Backend, out var known) ? known.Equals(backend) : backend.Ejected.IsEmpty && backend.Prober is null)
        {
            return;
        }

        var previous = _current.Version;
        _current = _current.Apply(backend, previous + 1);
        var delta = new HealthDelta(previous, _current.Version, backend);
        foreach (var failure in _observers.Push(o => o.OnDeltaAsync(delta)))
        {
            Log.PushFailed(logger, failure.Message);
        }

        try
        {
            await _stream!.OnNextAsync(delta);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Silos catch up from the snapshot at their next version check.
            Log.PublishFailed(logger, _current.Version, e);
        }
    }

    public Task<HealthSnapshot> GetSnapshotAsync() => Task.FromResult(_current);

    private async Task RecollectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var config = await GrainFactory.GetGrain<IConfigGrain>(ControlPlaneNames.FleetKey).GetSnapshotAsync();
            await Task.WhenAll(config.Backends.Keys.Select(k => GrainFactory.GetGrain<IBackendGrain>(k).PublishHealthAgainAsync()));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Silos nudge backends without a live prober; ejections come back with the next report.
            Log.RecollectFailed(logger, e.GetType().Name, e.Message);
        }
    }

    public Task<long> GetVersionAsync() => Task.FromResult(_current.Version);

    public Task<long> WatchAsync(IHealthObserver observer, TimeSpan renewal)
    {
        _observers.Watch(observer, renewal);
        return Task.FromResult(_current.Version);
    }

    public Task UnwatchAsync(IHealthObserver observer)
    {
        _observers.Unwatch(observer);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.HealthGrainPushFailed, LogLevel.Debug, "A health delta could not be pushed to a silo's observer ({Reason}); the stream and the version check still reach it")]
        public static partial void PushFailed(ILogger logger, string reason);

        [LoggerMessage(EventIds.HealthGrainRecollectFailed, LogLevel.Warning, "The health grain could not ask every backend for its health: {Error}: {Reason}")]
        public static partial void RecollectFailed(ILogger logger, string error, string reason);

        [LoggerMessage(EventIds.HealthGrainPublishFailed, LogLevel.Warning, "Health version {Version} could not be published on the stream; silos will fetch the snapshot")]
        public static partial void PublishFailed(ILogger logger, long version, Exception exception);
    }
}

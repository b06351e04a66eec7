using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using Orleans.Streams;

namespace IngressFleet.Grains.Health;

internal sealed partial class HealthGrain(TimeProvider time, ILogger<HealthGrain> logger) : Grain, IHealthGrain
{
    private HealthSnapshot _current = HealthSnapshot.Empty;
    private IAsyncStream<HealthDelta>? _stream;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(ControlPlaneNames.ProviderName).GetStream<HealthDelta>(ControlPlaneNames.HealthId);
        _current = HealthSnapshot.Empty with { Version = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 };
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
        try
        {
            await _stream!.OnNextAsync(new HealthDelta(previous, _current.Version, backend));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Silos catch up from the snapshot at their next version check.
            Log.PublishFailed(logger, _current.Version, e);
        }
    }

    public Task<HealthSnapshot> GetSnapshotAsync() => Task.FromResult(_current);

    public Task<long> GetVersionAsync() => Task.FromResult(_current.Version);

    private static partial class Log
    {
        [LoggerMessage(EventIds.HealthGrainPublishFailed, LogLevel.Warning, "Health version {Version} could not be published on the stream; silos will fetch the snapshot")]
        public static partial void PublishFailed(ILogger logger, long version, Exception exception);
    }
}

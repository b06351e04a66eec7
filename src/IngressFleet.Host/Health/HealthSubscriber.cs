using System.Threading.Channels;
using IngressFleet.Config;
using IngressFleet.Model;
using IngressFleet.Proxy;
using Orleans.Streams;

namespace IngressFleet.Health;

/// <summary>
/// Keeps this silo's backend pools on the fleet's health view, as <see cref="ConfigSubscriber"/> keeps its
/// routes on the config: deltas from the health stream applied in order, the snapshot at start, on a gap,
/// and whenever the once-a-second version check finds this silo behind.
/// </summary>
internal sealed partial class HealthSubscriber(IClusterClient client, DataPlane dataPlane, TimeProvider time, ILogger<HealthSubscriber> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<HealthDelta> _deltas = Channel.CreateUnbounded<HealthDelta>(new() { SingleReader = true });
    private StreamSubscriptionHandle<HealthDelta>? _subscription;

    private IHealthGrain Grain => client.GetGrain<IHealthGrain>(ConfigStreamNames.FleetKey);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stream = client.GetStreamProvider(ConfigStreamNames.ProviderName).GetStream<HealthDelta>(ConfigStreamNames.HealthId);
        while (_subscription is null && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                _subscription = await stream.SubscribeAsync((delta, _) =>
                {
                    _deltas.Writer.TryWrite(delta);
                    return Task.CompletedTask;
                });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, "subscribe to the health stream", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }

        await Task.WhenAll(ApplyDeltasAsync(stoppingToken), CheckPeriodicallyAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(2), time, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, "unsubscribe from the health stream", e.Message);
            }
        }
    }

    private async Task ApplyDeltasAsync(CancellationToken stoppingToken)
    {
        await foreach (var delta in _deltas.Reader.ReadAllAsync(stoppingToken))
        {
            await _gate.WaitAsync(stoppingToken);
            try
            {
                var current = dataPlane.Current.Health;
                if (delta.PreviousVersion == current.Version)
                {
                    dataPlane.ApplyHealth(current.Apply(delta.Backend, delta.Version));
                }
                else if (delta.Version > current.Version)
                {
                    await SyncAsync();
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task CheckPeriodicallyAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await Grain.GetVersionAsync() != dataPlane.Current.Health.Version)
                {
                    await _gate.WaitAsync(stoppingToken);
                    try
                    {
                        await SyncAsync();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, "check the health version", e.Message);
            }

            await Task.Delay(CheckInterval, time, stoppingToken);
        }
    }

    /// <summary>
    /// The snapshot replaces the view even when its version is lower: the health grain restarted (its state
    /// is soft), and its new view is the fleet's.
    /// </summary>
    private async Task SyncAsync()
    {
        try
        {
            var snapshot = await Grain.GetSnapshotAsync();
            if (snapshot.Version != dataPlane.Current.Health.Version)
            {
                dataPlane.ApplyHealth(snapshot);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Failed(logger, "fetch the health snapshot", e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(830, LogLevel.Warning, "Could not {What}: {Reason}")]
        public static partial void Failed(ILogger logger, string what, string reason);
    }
}

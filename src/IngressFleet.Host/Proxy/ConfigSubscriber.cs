using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using IngressFleet.Config;
using IngressFleet.Hosting;
using IngressFleet.Model;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace IngressFleet.Proxy;

/// <summary>
/// Keeps this silo's <see cref="DataPlane"/> on the control plane's version: applies deltas from the config
/// stream in order, fetches the snapshot at start, on a gap, and whenever the periodic version check finds
/// it behind (which repairs lost stream events and lost subscriptions alike). The stream handler only
/// queues; one loop applies, so delivery never waits for a route-table build.
/// </summary>
internal sealed partial class ConfigSubscriber : BackgroundService
{
    private readonly IClusterClient _client;
    private readonly IOptions<Hosting.IngressFleetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigSubscriber> _logger;
    private readonly Histogram<double> _propagationLag;
    private readonly Channel<ConfigDelta> _deltas = Channel.CreateUnbounded<ConfigDelta>(new() { SingleReader = true });

    public ConfigSubscriber(IClusterClient client, DataPlane dataPlane, IOptions<Hosting.IngressFleetOptions> options, TimeProvider time, IMeterFactory meters, ILogger<ConfigSubscriber> logger)
    {
        _client = client;
        _propagationLag = Telemetry.ProxyMetrics.CreatePropagationLag(meters);
        _options = options;
        _time = time;
        _logger = logger;
        Applier = new ConfigApplier(dataPlane, _ => ConfigGrain.GetSnapshotAsync());
    }

    public ConfigApplier Applier { get; }

    /// <summary>The control plane's status as last seen, or null before the first check.</summary>
    public ControlPlaneStatus? LastStatus { get; private set; }

    /// <summary>True when this silo serves the version the control plane has, and a source has synced it.</summary>
    public bool IsCurrent => LastStatus is { SourceSynced: true } && Applier.IsCurrent;

    private StreamSubscriptionHandle<ConfigDelta>? _subscription;

    private IConfigGrain ConfigGrain => _client.GetGrain<IConfigGrain>(ConfigStreamNames.FleetKey);

    public override void Dispose()
    {
        Applier.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stream = _client.GetStreamProvider(ConfigStreamNames.ProviderName).GetStream<ConfigDelta>(ConfigStreamNames.Id);
        await RetryAsync(async () => _subscription = await stream.SubscribeAsync(OnDeltaAsync), "subscribe to the config stream", stoppingToken);
        await RetryAsync(() => Applier.SyncAsync(stoppingToken), "fetch the config snapshot", stoppingToken);
        Log.Synced(_logger, Applier.ControlPlaneVersion);

        await Task.WhenAll(ApplyDeltasAsync(stoppingToken), CheckVersionPeriodicallyAsync(stoppingToken));
    }

    private Task OnDeltaAsync(ConfigDelta delta, StreamSequenceToken? token)
    {
        _deltas.Writer.TryWrite(delta);
        return Task.CompletedTask;
    }

    private async Task ApplyDeltasAsync(CancellationToken stoppingToken)
    {
        await foreach (var delta in _deltas.Reader.ReadAllAsync(stoppingToken))
        {
            using var activity = StartApplyActivity(delta);
            try
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await Applier.ApplyAsync(delta, stoppingToken);
                Log.DeltaHandled(_logger, delta.PreviousVersion, delta.Version, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                activity?.SetTag("ingressfleet.config.outcome", outcome.ToString());
                if (outcome != DeltaOutcome.Ignored && delta.CommittedAt != default)
                {
                    var lag = _time.GetUtcNow() - delta.CommittedAt;
                    if (lag >= TimeSpan.Zero)
                    {
                        _propagationLag.Record(lag.TotalSeconds);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The periodic check fetches the snapshot later; the last applied version keeps serving.
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                Log.ApplyFailed(_logger, delta.Version, e);
            }
        }
    }

    /// <summary>A span in the commit's trace, when the commit was traced.</summary>
    private Activity? StartApplyActivity(ConfigDelta delta)
    {
        if (delta.TraceParent is null || !ActivityContext.TryParse(delta.TraceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = Telemetry.Tracing.Source.StartActivity(Telemetry.Tracing.ApplySpan, ActivityKind.Consumer, parent);
        activity?.SetTag("ingressfleet.silo", _options.Value.EffectiveName);
        activity?.SetTag("ingressfleet.config.version", delta.Version);
        activity?.SetTag("ingressfleet.config.previous_version", delta.PreviousVersion);
        return activity;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_subscription is { } subscription)
        {
            try
            {
                // Leave no subscription behind for the stream to deliver to after this silo is gone.
                await subscription.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(2), _time, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.UnsubscribeFailed(_logger, e);
            }
        }
    }

    /// <summary>
    /// Anti-entropy: compares versions with the control plane every <see cref="IngressFleetOptions.AntiEntropyInterval"/>,
    /// and every 200 ms while this silo is not current, so a starting silo becomes ready promptly.
    /// </summary>
    private async Task CheckVersionPeriodicallyAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var status = await ConfigGrain.GetStatusAsync();

                // The version first: readiness reads LastStatus, and must never see a synced source next to
                // a version older than the one that status reports (it would call a stale silo current).
                Applier.ObserveControlPlaneVersion(status.Version);
                LastStatus = status;
                if (!Applier.IsCurrent)
                {
                    var served = await Applier.SyncAsync(stoppingToken);
                    Log.Repaired(_logger, served);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.CheckFailed(_logger, e);
            }

            await Task.Delay(IsCurrent ? _options.Value.AntiEntropyInterval : TimeSpan.FromMilliseconds(200), _time, stoppingToken);
        }
    }

    private async Task RetryAsync(Func<Task> action, string what, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RetryLater(_logger, what, delay, e);
                await Task.Delay(delay, _time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Proxy synced with the control plane at version {Version}")]
        public static partial void Synced(ILogger logger, long version);

        [LoggerMessage(101, LogLevel.Debug, "Config delta {From} -> {To}: {Outcome} in {Milliseconds:0.0} ms")]
        public static partial void DeltaHandled(ILogger logger, long from, long to, DeltaOutcome outcome, double milliseconds);

        [LoggerMessage(102, LogLevel.Warning, "Config delta to version {Version} could not be applied; the served version stays until the next check")]
        public static partial void ApplyFailed(ILogger logger, long version, Exception exception);

        [LoggerMessage(103, LogLevel.Debug, "Version check found this proxy behind; now serving version {Version}")]
        public static partial void Repaired(ILogger logger, long version);

        [LoggerMessage(104, LogLevel.Warning, "Anti-entropy check failed; serving the last applied version")]
        public static partial void CheckFailed(ILogger logger, Exception exception);

        [LoggerMessage(106, LogLevel.Warning, "Could not unsubscribe from the config stream")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception exception);

        [LoggerMessage(105, LogLevel.Warning, "Could not {What}; retrying in {Delay}")]
        public static partial void RetryLater(ILogger logger, string what, TimeSpan delay, Exception exception);
    }
}

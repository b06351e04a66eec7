using System.Diagnostics;
using System.Diagnostics.Metrics;
using IngressFleet.Core.Model;
using IngressFleet.Core.Telemetry;
using IngressFleet.DataPlane.State;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Config;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace IngressFleet.Distribution.Config;

/// <summary>
/// Keeps this silo's <see cref="ConfigInForce"/> on the control plane's config version, and remembers the
/// control plane's last status for readiness. Each applied delta is a span in its commit's trace and a
/// propagation-lag measurement.
/// </summary>
internal sealed class ConfigFollower : FollowerService<ConfigDelta, RoutingConfig>
{
    private readonly IClusterClient _client;
    private readonly ConfigInForce _inForce;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly Histogram<double> _propagationLag;
    private readonly ObserverSubscriptions<IConfigObserver, ConfigDelta> _pushed;
    private readonly TimeSpan _renewal;
    private volatile ControlPlaneStatus? _lastStatus;

    public ConfigFollower(IClusterClient client, ConfigInForce inForce, ILocalSiloDetails silo, IOptions<DistributionOptions> options, TimeProvider time, IMeterFactory meters, ILogger<ConfigFollower> logger)
        : base(
            "config",
            new FollowerTiming(options.Value.AntiEntropyInterval, options.Value.CatchUpInterval, options.Value.FollowerRetryMaxDelay, options.Value.UnsubscribeTimeout),
            time,
            logger)
    {
        _client = client;
        _inForce = inForce;
        _silo = silo;
        _time = time;
        _renewal = options.Value.AntiEntropyInterval;
        _pushed = new ObserverSubscriptions<IConfigObserver, ConfigDelta>(client, new ConfigObserver());
        var meter = meters.Create(FleetTelemetry.Name);
        _propagationLag = meter.CreateHistogram<double>(
            "ingressfleet.config.propagation_lag",
            "s",
            "Time from a config version's commit in the control plane to its apply on this silo.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableGauge("ingressfleet.config.control_plane_version", () => Follower.KnownVersion, "{version}", "The newest config version this silo knows the control plane has.");
    }

    /// <summary>The control plane's status as last seen, or null before the first check.</summary>
    public ControlPlaneStatus? LastStatus => _lastStatus;

    /// <summary>
    /// True when a source has synced the fleet's config and this silo serves the newest version known. The
    /// status carries its own version, so a status read before the known version was raised cannot make a
    /// stale silo look current.
    /// </summary>
    public bool IsCurrent => _lastStatus is { SourceSynced: true } status && Follower.IsCurrent && _inForce.Current.Version >= status.Version;

    public override long Version => _inForce.Current.Version;

    public override bool FollowsOlderVersions => false;

    private IConfigGrain Grain => _client.GetGrain<IConfigGrain>(ControlPlaneNames.FleetKey);

    /// <summary>
    /// Subscribes to the config stream and registers this silo's observer with the config grain, which pushes each
    /// delta as it commits it. A delta that arrives both ways is applied once (the second is older than what is served).
    /// </summary>
    public override async Task<IAsyncDisposable> SubscribeAsync(Func<ConfigDelta, Task> onDelta) =>
        await _pushed.SubscribeAsync(
            await StreamFeed.SubscribeAsync(_client, ControlPlaneNames.ProviderName, ControlPlaneNames.Id, onDelta),
            onDelta,
            async observer => _lastStatus = await Grain.WatchAsync(observer, _renewal),
            observer => Grain.UnwatchAsync(observer));

    /// <summary>The control plane's version; the same call renews this silo's observer registration, so a config grain that moved learns of every silo within one check.</summary>
    public override async Task<long> GetVersionAsync()
    {
        var status = _pushed.Registered is { } observer ? await Grain.WatchAsync(observer, _renewal) : await Grain.GetStatusAsync();
        _lastStatus = status;
        return status.Version;
    }

    public override Task<RoutingConfig> GetSnapshotAsync() => Grain.GetSnapshotAsync();

    private async Task RefreshStatusAsync()
    {
        try
        {
            await GetVersionAsync();
        }
        catch (Exception)
        {
            // The periodic check asks again.
        }
    }

    public override long VersionOf(ConfigDelta delta) => delta.Version;

    public override long VersionOf(RoutingConfig snapshot) => snapshot.Version;

    public override bool TryApply(ConfigDelta delta)
    {
        if (_inForce.Current.Config.TryApply(delta) is not { } next)
        {
            return false;
        }

        _inForce.Apply(next, delta.Change);
        return true;
    }

    public override void Apply(RoutingConfig snapshot) => _inForce.Apply(snapshot, change: null);

    /// <summary>A span in the commit's trace, when the commit was traced (not for the second copy of a delta already applied).</summary>
    public override IDisposable? Handling(ConfigDelta delta)
    {
        if (delta.Version <= _inForce.Current.Version || delta.TraceParent is null || !ActivityContext.TryParse(delta.TraceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = FleetTelemetry.Source.StartActivity(FleetTelemetry.ApplySpan, ActivityKind.Consumer, parent);
        activity?.SetTag("ingressfleet.silo", _silo.Name);
        activity?.SetTag("ingressfleet.config.version", delta.Version);
        activity?.SetTag("ingressfleet.config.previous_version", delta.PreviousVersion);
        return activity;
    }

    public override void Handled(ConfigDelta delta, DeltaOutcome outcome, TimeSpan elapsed, IDisposable? handling)
    {
        // A silo that applied a change while its last status said no source had synced asks for the status now,
        // not at its next check (up to AntiEntropyInterval later): after a fleet's first commit it is ready at once.
        // Asked, not inferred from the delta: a late copy of an old delta says nothing of a control plane that lost
        // its data since.
        if (outcome != DeltaOutcome.Ignored && _lastStatus is { SourceSynced: false })
        {
            _ = RefreshStatusAsync();
        }

        (handling as Activity)?.SetTag("ingressfleet.config.outcome", outcome.ToString());
        if (outcome != DeltaOutcome.Ignored && delta.CommittedAt != default)
        {
            var lag = _time.GetUtcNow() - delta.CommittedAt;
            if (lag >= TimeSpan.Zero)
            {
                _propagationLag.Record(lag.TotalSeconds);
            }
        }
    }

    public override void Failed(ConfigDelta delta, Exception exception, IDisposable? handling) =>
        (handling as Activity)?.SetStatus(ActivityStatusCode.Error, exception.Message);
}

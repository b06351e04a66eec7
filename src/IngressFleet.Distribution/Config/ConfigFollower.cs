using System.Diagnostics.Metrics;
using System.Diagnostics;
using IngressFleet.Core.Model;
using IngressFleet.Core.Telemetry;
using IngressFleet.DataPlane.State;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace IngressFleet.Distribution.Config;

/// <summary>
/// Keeps this silo's <see cref="ConfigInForce"/> on the control plane's config version with a
/// <see cref="VersionedFollower{TDelta, TSnapshot}"/>, and remembers the control plane's last status for readiness.
/// </summary>
internal sealed class ConfigFollower : BackgroundService, IVersionedFeed<ConfigDelta, RoutingConfig>, IVersionedTarget<ConfigDelta, RoutingConfig>
{
    private readonly IClusterClient _client;
    private readonly ConfigInForce _inForce;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly Histogram<double> _propagationLag;
    private volatile ControlPlaneStatus? _lastStatus;

    public ConfigFollower(IClusterClient client, ConfigInForce inForce, ILocalSiloDetails silo, IOptions<DistributionOptions> options, TimeProvider time, IMeterFactory meters, ILogger<ConfigFollower> logger)
    {
        _client = client;
        _inForce = inForce;
        _silo = silo;
        _time = time;
        var settings = options.Value;
        Follower = new VersionedFollower<ConfigDelta, RoutingConfig>(
            "config",
            this,
            this,
            new FollowerTiming(settings.AntiEntropyInterval, settings.CatchUpInterval, settings.FollowerRetryMaxDelay, settings.UnsubscribeTimeout),
            time,
            logger);
        var meter = meters.Create(FleetTelemetry.Name);
        _propagationLag = meter.CreateHistogram<double>(
            "ingressfleet.config.propagation_lag",
            "s",
            "Time from a config version's commit in the control plane to its apply on this silo.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableGauge("ingressfleet.config.control_plane_version", () => Follower.KnownVersion, "{version}", "The newest config version this silo knows the control plane has.");
    }

    public VersionedFollower<ConfigDelta, RoutingConfig> Follower { get; }

    /// <summary>The control plane's status as last seen, or null before the first check.</summary>
    public ControlPlaneStatus? LastStatus => _lastStatus;

    /// <summary>
    /// True when a source has synced the fleet's config and this silo serves the newest version known. The
    /// status carries its own version, so a status read before the known version was raised cannot make a
    /// stale silo look current.
    /// </summary>
    public bool IsCurrent => _lastStatus is { SourceSynced: true } status && Follower.IsCurrent && _inForce.Current.Version >= status.Version;

    long IVersionedTarget<ConfigDelta, RoutingConfig>.Version => _inForce.Current.Version;

    bool IVersionedTarget<ConfigDelta, RoutingConfig>.FollowsOlderVersions => false;

    private IConfigGrain Grain => _client.GetGrain<IConfigGrain>(ControlPlaneNames.FleetKey);

    public override void Dispose()
    {
        Follower.Dispose();
        base.Dispose();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Follower.UnsubscribeAsync(cancellationToken);
    }

    Task<IAsyncDisposable> IVersionedFeed<ConfigDelta, RoutingConfig>.SubscribeAsync(Func<ConfigDelta, Task> onDelta) =>
        StreamFeed.SubscribeAsync(_client, ControlPlaneNames.ProviderName, ControlPlaneNames.Id, onDelta);

    async Task<long> IVersionedFeed<ConfigDelta, RoutingConfig>.GetVersionAsync()
    {
        var status = await Grain.GetStatusAsync();
        _lastStatus = status;
        return status.Version;
    }

    Task<RoutingConfig> IVersionedFeed<ConfigDelta, RoutingConfig>.GetSnapshotAsync() => Grain.GetSnapshotAsync();

    long IVersionedTarget<ConfigDelta, RoutingConfig>.VersionOf(ConfigDelta delta) => delta.Version;

    long IVersionedTarget<ConfigDelta, RoutingConfig>.VersionOf(RoutingConfig snapshot) => snapshot.Version;

    bool IVersionedTarget<ConfigDelta, RoutingConfig>.TryApply(ConfigDelta delta)
    {
        if (_inForce.Current.Config.TryApply(delta) is not { } next)
        {
            return false;
        }

        _inForce.Apply(next, delta.Change);
        return true;
    }

    void IVersionedTarget<ConfigDelta, RoutingConfig>.Apply(RoutingConfig snapshot) => _inForce.Apply(snapshot, change: null);

    /// <summary>A span in the commit's trace, when the commit was traced.</summary>
    IDisposable? IVersionedTarget<ConfigDelta, RoutingConfig>.Handling(ConfigDelta delta)
    {
        if (delta.TraceParent is null || !ActivityContext.TryParse(delta.TraceParent, null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = FleetTelemetry.Source.StartActivity(FleetTelemetry.ApplySpan, ActivityKind.Consumer, parent);
        activity?.SetTag("ingressfleet.silo", _silo.Name);
        activity?.SetTag("ingressfleet.config.version", delta.Version);
        activity?.SetTag("ingressfleet.config.previous_version", delta.PreviousVersion);
        return activity;
    }

    void IVersionedTarget<ConfigDelta, RoutingConfig>.Handled(ConfigDelta delta, DeltaOutcome outcome, TimeSpan elapsed, IDisposable? handling)
    {
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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Follower.RunAsync(stoppingToken);
}

using IngressFleet.Core.Model;
using IngressFleet.DataPlane.State;
using IngressFleet.Distribution.Config;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Health;

/// <summary>
/// Keeps this silo's backend pools on the fleet's health view with a <see cref="VersionedFollower{TDelta, TSnapshot}"/>,
/// as <see cref="ConfigFollower"/> keeps its routes on the config. The health grain's state is soft:
/// after it restarts its snapshot replaces the view even at a lower version.
/// </summary>
internal sealed class HealthFollower : BackgroundService, IVersionedFeed<HealthDelta, HealthSnapshot>, IVersionedTarget<HealthDelta, HealthSnapshot>
{
    private readonly IClusterClient _client;
    private readonly ConfigInForce _inForce;

    public HealthFollower(IClusterClient client, ConfigInForce inForce, IOptions<DistributionOptions> options, TimeProvider time, ILogger<HealthFollower> logger)
    {
        _client = client;
        _inForce = inForce;
        var settings = options.Value;
        Follower = new VersionedFollower<HealthDelta, HealthSnapshot>(
            "health",
            this,
            this,
            new FollowerTiming(settings.HealthVersionCheckInterval, settings.HealthVersionCheckInterval, settings.FollowerRetryMaxDelay, settings.UnsubscribeTimeout),
            time,
            logger);
    }

    public VersionedFollower<HealthDelta, HealthSnapshot> Follower { get; }

    long IVersionedTarget<HealthDelta, HealthSnapshot>.Version => _inForce.Current.Health.Version;

    bool IVersionedTarget<HealthDelta, HealthSnapshot>.FollowsOlderVersions => true;

    private IHealthGrain Grain => _client.GetGrain<IHealthGrain>(ControlPlaneNames.FleetKey);

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

    Task<IAsyncDisposable> IVersionedFeed<HealthDelta, HealthSnapshot>.SubscribeAsync(Func<HealthDelta, Task> onDelta) =>
        StreamFeed.SubscribeAsync(_client, ControlPlaneNames.ProviderName, ControlPlaneNames.HealthId, onDelta);

    Task<long> IVersionedFeed<HealthDelta, HealthSnapshot>.GetVersionAsync() => Grain.GetVersionAsync();

    Task<HealthSnapshot> IVersionedFeed<HealthDelta, HealthSnapshot>.GetSnapshotAsync() => Grain.GetSnapshotAsync();

    long IVersionedTarget<HealthDelta, HealthSnapshot>.VersionOf(HealthDelta delta) => delta.Version;

    long IVersionedTarget<HealthDelta, HealthSnapshot>.VersionOf(HealthSnapshot snapshot) => snapshot.Version;

    bool IVersionedTarget<HealthDelta, HealthSnapshot>.TryApply(HealthDelta delta)
    {
        var current = _inForce.Current.Health;
        if (delta.PreviousVersion != current.Version)
        {
            return false;
        }

        _inForce.ApplyHealth(current.Apply(delta.Backend, delta.Version));
        return true;
    }

    void IVersionedTarget<HealthDelta, HealthSnapshot>.Apply(HealthSnapshot snapshot) => _inForce.ApplyHealth(snapshot);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Follower.RunAsync(stoppingToken);
}

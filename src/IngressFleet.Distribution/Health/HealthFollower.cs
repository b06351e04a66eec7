using IngressFleet.Core.Model;
using IngressFleet.DataPlane.State;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Health;

/// <summary>
/// Keeps this silo's backend pools on the fleet's health view, as <see cref="Config.ConfigFollower"/> keeps its
/// routes on the config. The health grain's state is soft: after it restarts its snapshot replaces the view
/// even at a lower version.
/// </summary>
internal sealed class HealthFollower(IClusterClient client, ConfigInForce inForce, IOptions<DistributionOptions> options, TimeProvider time, ILogger<HealthFollower> logger)
    : FollowerService<HealthDelta, HealthSnapshot>(
        "health",
        new FollowerTiming(options.Value.HealthVersionCheckInterval, options.Value.HealthVersionCheckInterval, options.Value.FollowerRetryMaxDelay, options.Value.UnsubscribeTimeout),
        time,
        logger)
{
    public override long Version => inForce.Current.Health.Version;

    public override bool FollowsOlderVersions => true;

    private IHealthGrain Grain => client.GetGrain<IHealthGrain>(ControlPlaneNames.FleetKey);

    private readonly ObserverSubscriptions<IHealthObserver, HealthDelta> _pushed = new(client, new HealthObserver());

    /// <summary>Subscribes to the health stream and registers this silo's observer with the health grain, which pushes each decision as it makes it.</summary>
    public override async Task<IAsyncDisposable> SubscribeAsync(Func<HealthDelta, Task> onDelta) =>
        await _pushed.SubscribeAsync(
            await StreamFeed.SubscribeAsync(client, ControlPlaneNames.ProviderName, ControlPlaneNames.HealthId, onDelta),
            onDelta,
            observer => Grain.WatchAsync(observer, options.Value.HealthVersionCheckInterval),
            observer => Grain.UnwatchAsync(observer));

    /// <summary>The health grain's version; the same call renews this silo's observer registration.</summary>
    public override Task<long> GetVersionAsync() =>
        _pushed.Registered is { } observer ? Grain.WatchAsync(observer, options.Value.HealthVersionCheckInterval) : Grain.GetVersionAsync();

    public override Task<HealthSnapshot> GetSnapshotAsync() => Grain.GetSnapshotAsync();

    public override long VersionOf(HealthDelta delta) => delta.Version;

    public override long VersionOf(HealthSnapshot snapshot) => snapshot.Version;

    public override bool TryApply(HealthDelta delta)
    {
        var current = inForce.Current.Health;
        if (delta.PreviousVersion != current.Version)
        {
            return false;
        }

        inForce.ApplyHealth(current.Apply(delta.Backend, delta.Version));
        return true;
    }

    public override void Apply(HealthSnapshot snapshot) => inForce.ApplyHealth(snapshot);
}

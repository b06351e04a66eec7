using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;
using Orleans.Streams;

namespace IngressFleet.Grains.Contracts.Health;

/// <summary>
/// The fleet's health view (key <see cref="ControlPlaneNames.FleetKey"/>): every backend grain hands it its
/// decisions, and it distributes them the way config travels: a version per change, a delta pushed to every
/// silo's observer and on a stream, a snapshot for silos that start or miss one. Soft state, in memory: after a reactivation backend grains
/// publish again, and versions continue from the clock so silos never see them go back.
/// </summary>
[Alias("ingressfleet.IHealthGrain")]
public interface IHealthGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task SetAsync(BackendHealth backend);

    [Alias("GetSnapshot"), Orleans.Concurrency.AlwaysInterleave]
    Task<HealthSnapshot> GetSnapshotAsync();

    [Alias("GetVersion"), Orleans.Concurrency.AlwaysInterleave]
    Task<long> GetVersionAsync();

    /// <summary>Registers or renews <paramref name="observer"/> for pushed deltas (as <see cref="IConfigGrain.WatchAsync"/>) and answers the version.</summary>
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave]
    Task<long> WatchAsync(IHealthObserver observer, TimeSpan renewal);

    [Alias("Unwatch"), Orleans.Concurrency.AlwaysInterleave]
    Task UnwatchAsync(IHealthObserver observer);
}

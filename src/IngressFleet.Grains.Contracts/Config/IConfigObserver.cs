using IngressFleet.Core.Model;
using Orleans.Concurrency;

namespace IngressFleet.Grains.Contracts.Config;

/// <summary>
/// A silo's receiver of the config deltas the config grain pushes as it commits them: the fast path, beside the
/// stream (which waits for its next poll) and the periodic version check (which repairs whatever both missed).
/// </summary>
[Alias("ingressfleet.IConfigObserver")]
public interface IConfigObserver : IGrainObserver
{
    /// <summary>One committed delta; one-way, so a slow or gone silo never holds up a commit.</summary>
    [Alias("OnDelta"), OneWay]
    Task OnDeltaAsync(ConfigDelta delta);
}

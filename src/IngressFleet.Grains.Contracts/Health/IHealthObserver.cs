using IngressFleet.Core.Model;
using Orleans.Concurrency;

namespace IngressFleet.Grains.Contracts.Health;

/// <summary>A silo's receiver of the health deltas the health grain pushes as it decides them (see <see cref="Config.IConfigObserver"/>).</summary>
[Alias("ingressfleet.IHealthObserver")]
public interface IHealthObserver : IGrainObserver
{
    [Alias("OnDelta"), OneWay]
    Task OnDeltaAsync(HealthDelta delta);
}

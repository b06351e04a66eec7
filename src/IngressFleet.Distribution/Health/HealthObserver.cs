using IngressFleet.Core.Model;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Health;

namespace IngressFleet.Distribution.Health;

/// <summary>This silo's receiver of pushed health deltas.</summary>
internal sealed class HealthObserver : DeltaObserver<HealthDelta>, IHealthObserver;

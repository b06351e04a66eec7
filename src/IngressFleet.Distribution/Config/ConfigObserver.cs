using IngressFleet.Core.Model;
using IngressFleet.Distribution.Following;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Distribution.Config;

/// <summary>This silo's receiver of pushed config deltas.</summary>
internal sealed class ConfigObserver : DeltaObserver<ConfigDelta>, IConfigObserver;

using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;

namespace IngressFleet.Sources.Publishing;

/// <summary>What a source last committed: the objects as read, their translation, and the config version they are in force as.</summary>
internal sealed record CommittedObjects(ClusterObjects Objects, RoutingConfig Config, long Version);

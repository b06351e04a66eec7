using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Ingresses;
using Orleans.Placement;

namespace IngressFleet.Grains.Ingresses;

/// <summary>
/// One item of the config, written and read only by the config grain: placed beside it, so a commit of thousands of
/// items (a source's first sync) is local calls, not a message to another silo for two items in three.
/// </summary>
[PreferLocalPlacement]
internal sealed class IngressGrain(
    [PersistentState("ingress", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<IngressRoutes>> state)
    : ConfigItemGrain<IngressRoutes>(state), IIngressGrain;

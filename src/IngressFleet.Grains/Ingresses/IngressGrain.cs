using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Ingresses;

namespace IngressFleet.Grains.Ingresses;

internal sealed class IngressGrain(
    [PersistentState("ingress", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<IngressRoutes>> state)
    : ConfigItemGrain<IngressRoutes>(state), IIngressGrain;

using IngressFleet.Model;

namespace IngressFleet.Routes;

/// <summary>The route grain of one Ingress (key <c>namespace/name</c>): its validated routes.</summary>
[Alias("ingressfleet.IIngressGrain")]
public interface IIngressGrain : Config.IConfigItemGrain<IngressRoutes>;

internal sealed class IngressGrain(
    [PersistentState("ingress", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<IngressRoutes>> state)
    : Config.ConfigItemGrain<IngressRoutes>(state), IIngressGrain;

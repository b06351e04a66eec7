using IngressFleet.Model;

namespace IngressFleet.Routes;

/// <summary>The route grain of one Ingress (key <c>namespace/name</c>): its validated routes.</summary>
[Alias("ingressfleet.IIngressGrain")]
public interface IIngressGrain : IGrainWithStringKey
{
    /// <summary>Replaces the routes; null when the Ingress is gone.</summary>
    [Alias("Set")]
    Task SetAsync(IngressRoutes? routes);

    [Alias("Get")]
    Task<IngressRoutes?> GetAsync();
}

internal sealed class IngressGrain(
    [PersistentState("ingress", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<IngressRoutes>> state)
    : Config.ConfigItemGrain<IngressRoutes>(state), IIngressGrain;

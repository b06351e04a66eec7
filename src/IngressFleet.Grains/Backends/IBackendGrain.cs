using IngressFleet.Model;

namespace IngressFleet.Backends;

/// <summary>The backend grain of one Service port (key <c>namespace/service:port</c>): its endpoints.</summary>
[Alias("ingressfleet.IBackendGrain")]
public interface IBackendGrain : Config.IConfigItemGrain<BackendEndpoints>;

internal sealed class BackendGrain(
    [PersistentState("backend", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<BackendEndpoints>> state)
    : Config.ConfigItemGrain<BackendEndpoints>(state), IBackendGrain;

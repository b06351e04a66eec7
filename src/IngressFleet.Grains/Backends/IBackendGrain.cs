using IngressFleet.Model;

namespace IngressFleet.Backends;

/// <summary>The backend grain of one Service port (key <c>namespace/service:port</c>): its endpoints.</summary>
[Alias("ingressfleet.IBackendGrain")]
public interface IBackendGrain : IGrainWithStringKey
{
    /// <summary>Replaces the endpoints; null when no Ingress refers to the backend any more.</summary>
    [Alias("Set")]
    Task SetAsync(BackendEndpoints? endpoints);

    [Alias("Get")]
    Task<BackendEndpoints?> GetAsync();
}

internal sealed class BackendGrain(
    [PersistentState("backend", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<BackendEndpoints>> state)
    : Config.ConfigItemGrain<BackendEndpoints>(state), IBackendGrain;

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

/// <summary>What a backend grain persists.</summary>
[GenerateSerializer, Alias("ingressfleet.BackendState")]
public sealed class BackendState
{
    [Id(0)] public BackendEndpoints? Endpoints { get; set; }
}

internal sealed class BackendGrain(
    [PersistentState("backend", Config.ConfigStreamNames.StorageName)] IPersistentState<BackendState> state) : Grain, IBackendGrain
{
    public async Task SetAsync(BackendEndpoints? endpoints)
    {
        if (endpoints is null)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
            return;
        }

        state.State.Endpoints = endpoints;
        await state.WriteStateAsync();
    }

    public Task<BackendEndpoints?> GetAsync() => Task.FromResult(state.State.Endpoints);
}

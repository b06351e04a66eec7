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

/// <summary>What a route grain persists.</summary>
[GenerateSerializer, Alias("ingressfleet.IngressState")]
public sealed class IngressState
{
    [Id(0)] public IngressRoutes? Routes { get; set; }
}

internal sealed class IngressGrain(
    [PersistentState("ingress", Config.ConfigStreamNames.StorageName)] IPersistentState<IngressState> state) : Grain, IIngressGrain
{
    public async Task SetAsync(IngressRoutes? routes)
    {
        if (routes is null)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
            return;
        }

        state.State.Routes = routes;
        await state.WriteStateAsync();
    }

    public Task<IngressRoutes?> GetAsync() => Task.FromResult(state.State.Routes);
}

namespace IngressFleet.Grains.Config;

/// <summary>
/// The shape shared by the grains that each hold one item of the config (an Ingress's routes, a backend's
/// endpoints, a Secret's certificate): the config grain writes it on commit and reads it on activation.
/// </summary>
internal abstract class ConfigItemGrain<T>(IPersistentState<ConfigItemState<T>> state) : Grain
    where T : class
{
    /// <summary>The item held now.</summary>
    protected T? Current => state.State.Value;

    /// <summary>Replaces the item; null when it is gone from the config.</summary>
    public virtual async Task SetAsync(T? value)
    {
        if (value is null)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
            return;
        }

        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<T?> GetAsync() => Task.FromResult(state.State.Value);
}

namespace IngressFleet.Grains.Config;

/// <summary>
/// A grain that holds one item of the config (a backend's endpoints; Ingress routes and certificates are records
/// the config grain stores itself, <see cref="ConfigItemStore{T}"/>): the config grain writes it on commit and
/// reads it on activation.
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

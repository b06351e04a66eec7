namespace IngressFleet.Grains.Contracts.Config;

/// <summary>A grain that holds one item of the config, keyed by the item's key: written on commit, read on activation of the config grain.</summary>
[Alias("ingressfleet.IConfigItemGrain`1")]
public interface IConfigItemGrain<T> : IGrainWithStringKey
    where T : class
{
    /// <summary>Replaces the item; null when it is gone from the config.</summary>
    [Alias("Set")]
    Task SetAsync(T? value);

    [Alias("Get")]
    Task<T?> GetAsync();
}

using Orleans.Storage;

namespace IngressFleet.Grains.Config;

/// <summary>
/// The config's items of one kind (an Ingress's routes, a Secret's certificate), each stored under its own key, so
/// a commit writes only the items its change holds. The config grain, their only reader and writer, reads and
/// writes them through the grain storage itself: one grain activation per item cost a fleet's first sync 2.2 s at
/// 10,000 Ingresses (activations and directory entries, most of them on other silos), the writes themselves a tenth
/// of that. Items keep the storage keys their grains had (grain type and state name), so a store written by
/// those grains is read as it is. A write that finds the stored item changed or gone under it (a store that
/// lost its data) reads the item again and writes once more: the config grain is the items' only writer.
/// </summary>
internal sealed class ConfigItemStore<T>(IGrainStorage storage, GrainType type, string stateName)
    where T : class
{
    // What was last read or written per key, with the ETag the next write of that key must carry.
    private readonly Dictionary<string, GrainState<ConfigItemState<T>>> _stored = new(StringComparer.Ordinal);

    /// <summary>Reads the items of <paramref name="keys"/>; null for one the store does not hold.</summary>
    public async Task<T?[]> ReadAsync(IEnumerable<string> keys)
    {
        var reads = keys.Select(key => Track(key)).ToList();
        await Task.WhenAll(reads.Select(r => storage.ReadStateAsync(stateName, Id(r.Key), r.State)));
        return [.. reads.Select(r => r.State.State?.Value)];
    }

    /// <summary>Stores <paramref name="set"/> and deletes <paramref name="removed"/>, all at once.</summary>
    public Task WriteAsync(IEnumerable<(string Key, T Value)> set, IEnumerable<string> removed) =>
        Task.WhenAll(set.Select(s => WriteAsync(s.Key, s.Value)).Concat(removed.Select(DeleteAsync)));

    private async Task WriteAsync(string key, T value)
    {
        var (_, state) = Track(key);
        try
        {
            await WriteAsync(key, state, value);
        }
        catch (InconsistentStateException)
        {
            await storage.ReadStateAsync(stateName, Id(key), state);
            await WriteAsync(key, state, value);
        }
    }

    private async Task WriteAsync(string key, GrainState<ConfigItemState<T>> state, T value)
    {
        state.State ??= new ConfigItemState<T>();
        state.State.Value = value;
        await storage.WriteStateAsync(stateName, Id(key), state);
    }

    private async Task DeleteAsync(string key)
    {
        var (_, state) = Track(key);
        try
        {
            await storage.ClearStateAsync(stateName, Id(key), state);
        }
        catch (InconsistentStateException)
        {
            await storage.ReadStateAsync(stateName, Id(key), state);
            await storage.ClearStateAsync(stateName, Id(key), state);
        }

        _stored.Remove(key);
    }

    /// <summary>The key's state as last seen, added before any await (the grain's turns are one at a time, but a commit's writes interleave).</summary>
    private (string Key, GrainState<ConfigItemState<T>> State) Track(string key)
    {
        if (!_stored.TryGetValue(key, out var state))
        {
            _stored[key] = state = new GrainState<ConfigItemState<T>>(new ConfigItemState<T>());
        }

        return (key, state);
    }

    private GrainId Id(string key) => GrainId.Create(type, key);
}

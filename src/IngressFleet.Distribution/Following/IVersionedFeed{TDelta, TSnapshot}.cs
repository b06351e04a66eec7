namespace IngressFleet.Distribution.Following;

/// <summary>The control plane's side of something versioned that every silo follows (config, health).</summary>
/// <typeparam name="TDelta">One version's change.</typeparam>
/// <typeparam name="TSnapshot">A whole version.</typeparam>
public interface IVersionedFeed<TDelta, TSnapshot>
{
    /// <summary>Subscribes to the deltas; disposing the result unsubscribes.</summary>
    Task<IAsyncDisposable> SubscribeAsync(Func<TDelta, Task> onDelta);

    /// <summary>The control plane's current version: the cheap periodic check.</summary>
    Task<long> GetVersionAsync();

    /// <summary>The whole current version.</summary>
    Task<TSnapshot> GetSnapshotAsync();
}

namespace IngressFleet.Distribution.Following;

/// <summary>
/// The push half of a followed feed: this silo's observer, registered with the grain that pushes deltas, beside
/// the stream subscription. Subscribing registers it; the follower's version checks renew it (see
/// <see cref="Registered"/>); ending a subscription ends both, unless a newer subscription owns the registration.
/// </summary>
/// <typeparam name="TObserver">The grain observer interface the grain pushes to.</typeparam>
/// <typeparam name="TDelta">One version's change.</typeparam>
internal sealed class ObserverSubscriptions<TObserver, TDelta>(IClusterClient client, DeltaObserver<TDelta> observer)
    where TObserver : class, IGrainObserver
{
    private readonly DeltaObserver<TDelta> _observer = observer;
    private TObserver? _reference;
    private long _subscriptions;

    /// <summary>The observer's reference while a subscription is in force (for renewing), else null.</summary>
    public TObserver? Registered => _observer.OnDelta is null ? null : _reference;

    /// <summary>Registers the observer through <paramref name="watch"/>, on top of <paramref name="stream"/> (disposed if registering fails).</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(IAsyncDisposable stream, Func<TDelta, Task> onDelta, Func<TObserver, Task> watch, Func<TObserver, Task> unwatch)
    {
        try
        {
            _observer.OnDelta = onDelta;
            _reference ??= client.CreateObjectReference<TObserver>((IGrainObserver)_observer);
            await watch(_reference);
            return new Subscription(this, stream, Interlocked.Increment(ref _subscriptions), unwatch);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private sealed class Subscription(ObserverSubscriptions<TObserver, TDelta> owner, IAsyncDisposable stream, long number, Func<TObserver, Task> unwatch) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // The stream first: leaving no subscription behind on the stream is what matters at shutdown; the
            // observer's registration lapses by itself if the call to end it does not get through.
            await stream.DisposeAsync();
            if (Interlocked.Read(ref owner._subscriptions) == number && owner._reference is { } reference)
            {
                owner._observer.OnDelta = null;
                await unwatch(reference);
            }
        }
    }
}

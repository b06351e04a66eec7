using Orleans.Streams;

namespace IngressFleet.Distribution.Following;

/// <summary>Subscribes to an Orleans stream for a <see cref="IVersionedFeed{TDelta, TSnapshot}"/>.</summary>
internal static class StreamFeed
{
    public static async Task<IAsyncDisposable> SubscribeAsync<T>(IClusterClient client, string provider, StreamId stream, Func<T, Task> onItem)
    {
        var handle = await client.GetStreamProvider(provider).GetStream<T>(stream).SubscribeAsync((item, _) => onItem(item));
        return new Subscription<T>(handle);
    }

    private sealed class Subscription<T>(StreamSubscriptionHandle<T> handle) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(handle.UnsubscribeAsync());
    }
}

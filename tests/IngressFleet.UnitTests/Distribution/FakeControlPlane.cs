using IngressFleet.Distribution.Following;

namespace IngressFleet.Tests.Distribution;

/// <summary>A control plane for follower tests: a version counter, a stream of deltas, and a snapshot that is just the version.</summary>
internal sealed class FakeControlPlane : IVersionedFeed<FakeDelta, long>
{
    private volatile Func<FakeDelta, Task>? _subscriber;
    private int _subscribeAttempts;

    public long Version { get; private set; }

    public int SnapshotsServed { get; private set; }

    public int SubscribeAttempts => Volatile.Read(ref _subscribeAttempts);

    public int FailSubscriptions { get; set; }

    public bool HangUnsubscribe { get; set; }

    public bool Subscribed => _subscriber is not null;

    public FakeDelta Commit(bool deliver = true)
    {
        var delta = new FakeDelta(Version, ++Version);
        if (deliver)
        {
            _subscriber?.Invoke(delta);
        }

        return delta;
    }

    public void Restart(long version) => Version = version;

    public Task<IAsyncDisposable> SubscribeAsync(Func<FakeDelta, Task> onDelta)
    {
        Interlocked.Increment(ref _subscribeAttempts);
        if (FailSubscriptions-- > 0)
        {
            throw new InvalidOperationException("the stream is not there yet");
        }

        _subscriber = onDelta;
        return Task.FromResult<IAsyncDisposable>(new Subscription(this));
    }

    public Task<long> GetVersionAsync() => Task.FromResult(Version);

    public Task<long> GetSnapshotAsync()
    {
        SnapshotsServed++;
        return Task.FromResult(Version);
    }

    private sealed class Subscription(FakeControlPlane plane) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (plane.HangUnsubscribe)
            {
                await Task.Delay(Timeout.Infinite);
            }

            plane._subscriber = null;
        }
    }
}

using IngressFleet.Distribution.Following;

namespace IngressFleet.Tests.Distribution;

/// <summary>A control plane for follower tests: a version counter, a stream of deltas, and a snapshot that is just the version.</summary>
internal sealed class FakeControlPlane : IVersionedFeed<FakeDelta, long>
{
    private volatile Func<FakeDelta, Task>? _subscriber;
    private int _subscribeAttempts;
    private int _versionChecks;
    private volatile Subscription? _current;

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

        var subscription = new Subscription(this);
        _current = subscription;
        _subscriber = onDelta;
        return Task.FromResult<IAsyncDisposable>(subscription);
    }

    public int VersionChecks => Volatile.Read(ref _versionChecks);

    public Task<long> GetVersionAsync()
    {
        Interlocked.Increment(ref _versionChecks);
        return Task.FromResult(Version);
    }

    public Task<long> GetSnapshotAsync()
    {
        SnapshotsServed++;
        return Task.FromResult(Version);
    }

    // As a real stream: ending an old subscription leaves a newer one delivering.
    private sealed class Subscription(FakeControlPlane plane) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (plane.HangUnsubscribe)
            {
                await Task.Delay(Timeout.Infinite);
            }

            if (ReferenceEquals(plane._current, this))
            {
                plane._subscriber = null;
            }
        }
    }
}

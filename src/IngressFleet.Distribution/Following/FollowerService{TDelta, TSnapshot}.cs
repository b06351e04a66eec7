namespace IngressFleet.Distribution.Following;

/// <summary>
/// A hosted <see cref="VersionedFollower{TDelta, TSnapshot}"/>: the subclass says what is followed (the feed)
/// and how it is applied (the target); this runs the follower and unsubscribes it on shutdown.
/// </summary>
internal abstract class FollowerService<TDelta, TSnapshot> : BackgroundService, IVersionedFeed<TDelta, TSnapshot>, IVersionedTarget<TDelta, TSnapshot>
{
    protected FollowerService(string name, FollowerTiming timing, TimeProvider time, ILogger logger) =>
        Follower = new VersionedFollower<TDelta, TSnapshot>(name, this, this, timing, time, logger);

    public VersionedFollower<TDelta, TSnapshot> Follower { get; }

    public abstract long Version { get; }

    public abstract bool FollowsOlderVersions { get; }

    public abstract Task<IAsyncDisposable> SubscribeAsync(Func<TDelta, Task> onDelta);

    public abstract Task<long> GetVersionAsync();

    public abstract Task<TSnapshot> GetSnapshotAsync();

    public abstract long VersionOf(TDelta delta);

    public abstract long VersionOf(TSnapshot snapshot);

    public abstract bool TryApply(TDelta delta);

    public abstract void Apply(TSnapshot snapshot);

    public virtual IDisposable? Handling(TDelta delta) => null;

    public virtual void Handled(TDelta delta, DeltaOutcome outcome, TimeSpan elapsed, IDisposable? handling)
    {
    }

    public virtual void Failed(TDelta delta, Exception exception, IDisposable? handling)
    {
    }

    public override void Dispose()
    {
        Follower.Dispose();
        base.Dispose();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Follower.UnsubscribeAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Follower.RunAsync(stoppingToken);
}

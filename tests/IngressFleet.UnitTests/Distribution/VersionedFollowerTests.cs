using IngressFleet.Distribution.Following;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IngressFleet.Tests.Distribution;

/// <summary>The one follower behind config and health, under fake time, against an in-memory control plane.</summary>
public sealed class VersionedFollowerTests
{
    private static readonly FollowerTiming Timing = new(
        CheckInterval: TimeSpan.FromSeconds(3),
        CatchUpInterval: TimeSpan.FromMilliseconds(200),
        RetryMaxDelay: TimeSpan.FromSeconds(1),
        UnsubscribeTimeout: TimeSpan.FromSeconds(2));

    private readonly FakeTimeProvider _time = new();
    private readonly FakeControlPlane _plane = new();

    [Fact]
    public async Task HandleAsync_DeltasInOrder_AreAppliedWithoutSnapshot()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        await follower.CheckAsync(CancellationToken.None);

        Assert.Equal(DeltaOutcome.Applied, await follower.HandleAsync(_plane.Commit(), CancellationToken.None));
        Assert.Equal(DeltaOutcome.Applied, await follower.HandleAsync(_plane.Commit(), CancellationToken.None));

        Assert.Equal([1, 2], target.AppliedDeltas);
        Assert.Equal(1, _plane.SnapshotsServed);
        Assert.True(follower.IsCurrent);
    }

    [Fact]
    public async Task HandleAsync_AfterALostDelta_FetchesTheSnapshot()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        await follower.CheckAsync(CancellationToken.None);
        _plane.Commit();

        var outcome = await follower.HandleAsync(_plane.Commit(), CancellationToken.None);

        Assert.Equal(DeltaOutcome.SnapshotApplied, outcome);
        Assert.Equal(2, target.Version);
        Assert.Empty(target.AppliedDeltas);
    }

    [Fact]
    public async Task HandleAsync_DeltaCoveredBySnapshot_IsIgnored()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        var first = _plane.Commit();
        await follower.CheckAsync(CancellationToken.None);

        Assert.Equal(DeltaOutcome.Ignored, await follower.HandleAsync(first, CancellationToken.None));
        Assert.Equal(1, target.Version);
    }

    [Fact]
    public async Task CheckAsync_WhenBehind_WaitsOneCheckForTheDelta_ThenFetchesTheSnapshot()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        Assert.False(follower.IsCurrent);
        Assert.True(await follower.CheckAsync(CancellationToken.None));
        Assert.True(follower.IsCurrent);

        _plane.Commit(deliver: false);
        _plane.Commit(deliver: false);

        // The first check that finds it behind gives the deltas until the next check; they never come.
        Assert.False(await follower.CheckAsync(CancellationToken.None));
        Assert.False(follower.IsCurrent);
        Assert.Equal(0, target.Version);
        Assert.True(await follower.CheckAsync(CancellationToken.None));
        Assert.Equal(2, target.Version);
        Assert.True(follower.IsCurrent);
        Assert.False(await follower.CheckAsync(CancellationToken.None));
        Assert.Equal(2, _plane.SnapshotsServed);
    }

    [Fact]
    public async Task CheckAsync_BehindOnADeltaThatArrivesBeforeTheNextCheck_FetchesNoSnapshot()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        await follower.CheckAsync(CancellationToken.None);

        // The check sees a commit whose delta is still on its way, then the delta arrives: no snapshot.
        var first = _plane.Commit(deliver: false);
        Assert.False(await follower.CheckAsync(CancellationToken.None));
        Assert.Equal(DeltaOutcome.Applied, await follower.HandleAsync(first, CancellationToken.None));

        // Meanwhile the next commit is on its way too: waited for again, not fetched.
        var second = _plane.Commit(deliver: false);
        Assert.False(await follower.CheckAsync(CancellationToken.None));
        Assert.Equal(DeltaOutcome.Applied, await follower.HandleAsync(second, CancellationToken.None));
        Assert.False(await follower.CheckAsync(CancellationToken.None));

        Assert.Equal([1, 2], target.AppliedDeltas);
        Assert.Equal(1, _plane.SnapshotsServed);
        Assert.True(follower.IsCurrent);
    }

    [Fact]
    public async Task RunAsync_RepairsLostEvents_WithThePeriodicCheck()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        using var stop = new CancellationTokenSource();
        var run = follower.RunAsync(stop.Token);
        await WaitUntil(() => follower.IsCurrent);

        _plane.Commit(deliver: false);
        _plane.Commit(deliver: false);
        await WaitUntil(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            return target.Version == 2;
        });

        Assert.Empty(target.AppliedDeltas);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_AfterARepair_ChecksAtTheCatchUpPace_UntilTheStreamDeliversAgain()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        using var stop = new CancellationTokenSource();
        var run = follower.RunAsync(stop.Token);
        await WaitUntil(() => follower.IsCurrent && _plane.Subscribed);

        // The stream misses a change: the periodic check finds it, gives it until the next check at the catch-up
        // pace, then repairs it.
        _plane.Commit(deliver: false);
        var before = _plane.VersionChecks;
        await AdvanceUntil(Timing.CheckInterval, () => _plane.VersionChecks > before);
        Assert.Equal(0, target.Version);
        await AdvanceUntil(Timing.CatchUpInterval, () => target.Version == 1);

        // It keeps missing them (its subscription was lost with Redis, say): the next is repaired at the catch-up pace.
        _plane.Commit(deliver: false);
        before = _plane.VersionChecks;
        await AdvanceUntil(Timing.CatchUpInterval, () => _plane.VersionChecks > before);
        await AdvanceUntil(Timing.CatchUpInterval, () => target.Version == 2);

        // The stream delivers again: trusted again, so the check already due is the last at that pace.
        _plane.Commit();
        await WaitUntil(() => target.Version == 3);
        var checks = _plane.VersionChecks;
        await AdvanceUntil(Timing.CatchUpInterval, () => _plane.VersionChecks > checks);
        _plane.Commit(deliver: false);
        _time.Advance(Timing.CatchUpInterval * 2);
        await Task.Delay(100);
        Assert.Equal(3, target.Version);
        before = _plane.VersionChecks;
        await AdvanceUntil(Timing.CheckInterval, () => _plane.VersionChecks > before);
        await AdvanceUntil(Timing.CatchUpInterval, () => target.Version == 4);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_AppliesStreamedDeltas_InOrder()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        using var stop = new CancellationTokenSource();
        var run = follower.RunAsync(stop.Token);
        await WaitUntil(() => follower.IsCurrent && _plane.Subscribed);

        for (var i = 0; i < 5; i++)
        {
            _plane.Commit();
        }

        await WaitUntil(() => target.Version == 5);
        Assert.Equal([1, 2, 3, 4, 5], target.AppliedDeltas);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_RetriesTheSubscription_WithGrowingDelays()
    {
        _plane.FailSubscriptions = 3;
        var target = new FakeTarget();
        using var follower = New(target);
        using var stop = new CancellationTokenSource();
        var run = follower.RunAsync(stop.Token);

        // Retries after 100 ms, 200 ms and 400 ms: the fourth attempt, 700 ms in, succeeds.
        await WaitUntil(() => _plane.SubscribeAttempts == 1);
        await AdvanceUntil(TimeSpan.FromMilliseconds(100), () => _plane.SubscribeAttempts == 2);
        await AdvanceUntil(TimeSpan.FromMilliseconds(200), () => _plane.SubscribeAttempts == 3);
        _time.Advance(TimeSpan.FromMilliseconds(399));
        await Task.Delay(50);
        Assert.Equal(3, _plane.SubscribeAttempts);
        await AdvanceUntil(TimeSpan.FromMilliseconds(1), () => _plane.Subscribed);
        Assert.Equal(4, _plane.SubscribeAttempts);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task UnsubscribeAsync_GivesUpAfterTheTimeout()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        using var stop = new CancellationTokenSource();
        var run = follower.RunAsync(stop.Token);
        await WaitUntil(() => _plane.Subscribed);
        _plane.HangUnsubscribe = true;

        var unsubscribe = follower.UnsubscribeAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(unsubscribe.IsCompleted);
        _time.Advance(Timing.UnsubscribeTimeout);
        await unsubscribe.WaitAsync(TimeSpan.FromSeconds(10));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task CheckAsync_TargetThatFollowsOlderVersions_TakesALowerSnapshot()
    {
        var target = new FakeTarget { FollowsOlderVersions = true };
        using var follower = New(target);
        _plane.Commit();
        _plane.Commit();
        await follower.CheckAsync(CancellationToken.None);
        Assert.Equal(2, target.Version);

        // The control plane's soft state restarted at a lower version: its view is the fleet's.
        _plane.Restart(version: 1);
        Assert.True(await follower.CheckAsync(CancellationToken.None));

        Assert.Equal(1, target.Version);
        Assert.True(follower.IsCurrent);
    }

    [Fact]
    public async Task CheckAsync_TargetWhoseVersionsOnlyGrow_IgnoresALowerSnapshot()
    {
        var target = new FakeTarget();
        using var follower = New(target);
        _plane.Commit();
        _plane.Commit();
        await follower.CheckAsync(CancellationToken.None);

        _plane.Restart(version: 1);
        await follower.CheckAsync(CancellationToken.None);

        Assert.Equal(2, target.Version);
    }

    private VersionedFollower<FakeDelta, long> New(FakeTarget target) => new("test", _plane, target, Timing, _time, NullLogger.Instance);

    /// <summary>Retries until <paramref name="condition"/> holds (the follower's loops run on the thread pool), for at most 10 s.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }

    private async Task AdvanceUntil(TimeSpan step, Func<bool> condition)
    {
        await Task.Delay(20);
        _time.Advance(step);
        await WaitUntil(condition);
    }
}

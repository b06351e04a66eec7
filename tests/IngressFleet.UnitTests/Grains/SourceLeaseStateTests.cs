using IngressFleet.Grains.Config;
using IngressFleet.Grains.SourceLeases;

namespace IngressFleet.Tests.Grains;

/// <summary>Fencing: one source holder at a time, a new term for each new holder, and commits of an older term refused.</summary>
public sealed class SourceLeaseStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    [Fact]
    public void AcquireOrRenew_RefusesASecondHolder_WhileTheLeaseRuns()
    {
        var lease = new SourceLeaseState();
        Assert.True(lease.AcquireOrRenew("a", Duration, T0));

        Assert.False(lease.AcquireOrRenew("b", Duration, T0.AddSeconds(4)));
        Assert.Equal("a", lease.Holder);
        Assert.Equal(Ms(T0), lease.Term);
    }

    [Fact]
    public void AcquireOrRenew_Renewal_KeepsTheTerm()
    {
        var lease = new SourceLeaseState();
        lease.AcquireOrRenew("a", Duration, T0);

        Assert.True(lease.AcquireOrRenew("a", Duration, T0.AddSeconds(4)));

        Assert.Equal(Ms(T0), lease.Term);
        Assert.Equal(T0.AddSeconds(9), lease.ExpiresAt);
    }

    [Fact]
    public void AcquireOrRenew_AfterTheLeaseLapses_TheNextHolderGetsANewerTerm()
    {
        var lease = new SourceLeaseState();
        lease.AcquireOrRenew("a", Duration, T0);

        Assert.True(lease.AcquireOrRenew("b", Duration, T0.AddSeconds(5)));
        Assert.Equal(Ms(T0.AddSeconds(5)), lease.Term);

        // The old holder, frozen past its lease, comes back: it is refused, and if it took the lease again
        // later it would be in yet another term.
        Assert.False(lease.AcquireOrRenew("a", Duration, T0.AddSeconds(6)));
        Assert.True(lease.AcquireOrRenew("a", Duration, T0.AddSeconds(20)));
        Assert.Equal(Ms(T0.AddSeconds(20)), lease.Term);
    }

    [Fact]
    public void AcquireOrRenew_AHolderWhoseOwnLeaseLapsed_StartsANewTerm()
    {
        var lease = new SourceLeaseState();
        lease.AcquireOrRenew("a", Duration, T0);

        Assert.True(lease.AcquireOrRenew("a", Duration, T0.AddSeconds(6)));

        Assert.Equal(Ms(T0.AddSeconds(6)), lease.Term);
    }

    [Fact]
    public void Release_OnlyByTheHolder_InItsTerm()
    {
        var lease = new SourceLeaseState();
        lease.AcquireOrRenew("a", Duration, T0);

        Assert.False(lease.Release("b", lease.Term));
        Assert.False(lease.Release("a", lease.Term - 1));
        Assert.True(lease.IsHeld(T0.AddSeconds(1)));
        Assert.True(lease.Release("a", lease.Term));
        Assert.False(lease.IsHeld(T0.AddSeconds(1)));
        Assert.True(lease.AcquireOrRenew("b", Duration, T0.AddSeconds(1)));
    }

    [Fact]
    public void AcquireOrRenew_AfterTheStoreLostTheState_TheNewTermIsStillAboveTheOld()
    {
        var before = new SourceLeaseState();
        before.AcquireOrRenew("a", Duration, T0);

        // Redis restarted empty: the grain starts from a blank state, a moment later.
        var after = new SourceLeaseState();
        Assert.True(after.AcquireOrRenew("b", Duration, T0.AddMilliseconds(50)));
        Assert.True(after.Term > before.Term);

        // Within one millisecond of the last term, a term still rises by one.
        var quick = new SourceLeaseState();
        quick.AcquireOrRenew("a", Duration, T0);
        quick.Release("a", quick.Term);
        quick.AcquireOrRenew("b", Duration, T0);
        Assert.Equal(Ms(T0) + 1, quick.Term);
    }

    [Fact]
    public void ConfigIndex_FencesCommitsOfAnOlderTerm()
    {
        var index = new ConfigIndex { SourceTerm = 2 };

        Assert.True(index.Fences(1));
        Assert.False(index.Fences(2));
        Assert.False(index.Fences(3));
    }
}

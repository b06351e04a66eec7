using IngressFleet.Grains.Limits;

namespace IngressFleet.Tests.Grains;

/// <summary>The limit grain's accounting under an explicit clock: fair shares, leases that lapse, and what a new activation confirms.</summary>
public sealed class LimitLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RenewInterval = TimeSpan.FromMilliseconds(250);

    private readonly LimitLedger _ledger = new(LeaseDuration);

    [Fact]
    public void Lease_SharesTheLimitByNeed_AndNeverGrantsBeyondIt()
    {
        // Silo a is busy, b needs a little: over renewals b gets what it needs and a the rest, and at no
        // step do the grants add up to more than the limit (a permit moves only once its holder gave it back).
        var a = _ledger.Lease("a", limit: 10, inUse: 0, need: 20, demand: 25, T0);
        Assert.Equal(10, a.Permits);
        var b = _ledger.Lease("b", limit: 10, inUse: 0, need: 2, demand: 3, T0);
        Assert.Equal(0, b.Permits);
        a = _ledger.Lease("a", limit: 10, inUse: 0, need: 20, demand: 25, T0);
        Assert.Equal(8, a.Permits);

        // a may still run with 10 until it has that answer: b waits for a's next renewal.
        b = _ledger.Lease("b", limit: 10, inUse: 0, need: 2, demand: 3, T0);
        Assert.Equal(0, b.Permits);
        a = _ledger.Lease("a", limit: 10, inUse: 0, need: 20, demand: 25, T0);
        Assert.Equal(8, a.Permits);
        b = _ledger.Lease("b", limit: 10, inUse: 0, need: 2, demand: 3, T0);

        Assert.Equal(2, b.Permits);
        Assert.Equal(LeaseDuration, a.Duration);
    }

    [Fact]
    public void Lease_EqualNeeds_AreSharedEqually()
    {
        for (var round = 0; round < 2; round++)
        {
            _ledger.Lease("a", limit: 10, inUse: 0, need: 10, demand: 10, T0);
            _ledger.Lease("b", limit: 10, inUse: 0, need: 10, demand: 10, T0);
        }

        var a = _ledger.Lease("a", limit: 10, inUse: 0, need: 10, demand: 10, T0);
        var b = _ledger.Lease("b", limit: 10, inUse: 0, need: 10, demand: 10, T0);

        Assert.Equal(5, a.Permits);
        Assert.Equal(5, b.Permits);
    }

    [Fact]
    public void Lease_OfASiloThatStopsRenewing_ReturnsToThePoolWhenItLapses()
    {
        _ledger.Lease("dead", limit: 10, inUse: 8, need: 8, demand: 10, T0);
        var whileHeld = _ledger.Lease("alive", limit: 10, inUse: 0, need: 10, demand: 10, T0.AddSeconds(1));
        Assert.True(whileHeld.Permits <= 2, $"alive got {whileHeld.Permits} while 8 were in use elsewhere");

        var afterLapse = _ledger.Lease("alive", limit: 10, inUse: 0, need: 10, demand: 10, T0 + LeaseDuration + TimeSpan.FromMilliseconds(1));

        Assert.Equal(10, afterLapse.Permits);
        Assert.Equal(["alive"], _ledger.View("k", T0 + LeaseDuration + TimeSpan.FromMilliseconds(1)).Holdings.Select(h => h.Silo));
    }

    [Fact]
    public void Lease_BeforeGrantsOpen_ConfirmsOnlyWhatIsInFlight()
    {
        // A new activation after its silo died: leases it cannot see may still be in use until they lapse.
        _ledger.Resume(leasesValidUntil: T0.AddSeconds(4), closedCleanly: false, T0, RenewInterval);

        var early = _ledger.Lease("a", limit: 10, inUse: 3, need: 8, demand: 10, T0);

        // Once they have lapsed, a silo alone gets the whole limit (its need, then headroom up to its demand).
        var later = _ledger.Lease("a", limit: 10, inUse: 3, need: 8, demand: 10, T0.AddSeconds(4));

        Assert.Equal(3, early.Permits);
        Assert.Equal(10, later.Permits);
    }

    [Fact]
    public void Lease_AfterACleanClose_WaitsForEverySiloToTellWhatIsStillInFlight()
    {
        // The previous activation closed cleanly and its leases lapsed, but silo b may still have requests
        // admitted under its lease in flight: until b has had two renewals to say so, a gets only its own.
        _ledger.Resume(leasesValidUntil: T0.AddSeconds(-1), closedCleanly: true, T0, RenewInterval);

        var early = _ledger.Lease("a", limit: 10, inUse: 2, need: 10, demand: 10, T0);
        _ledger.Lease("b", limit: 10, inUse: 7, need: 7, demand: 7, T0.AddMilliseconds(100));
        var later = _ledger.Lease("a", limit: 10, inUse: 2, need: 10, demand: 10, T0 + (2 * RenewInterval));

        Assert.Equal(2, early.Permits);
        Assert.Equal(3, later.Permits);
    }

    [Fact]
    public void Lease_AfterAnActivationThatDied_WaitsOutAFullLease()
    {
        // It may have granted after its stored marker (the store was down): a full lease from now covers that.
        _ledger.Resume(leasesValidUntil: T0.AddSeconds(-1), closedCleanly: false, T0, RenewInterval);

        var afterTwoRenewals = _ledger.Lease("a", limit: 10, inUse: 2, need: 10, demand: 10, T0 + (2 * RenewInterval));
        var afterALease = _ledger.Lease("a", limit: 10, inUse: 2, need: 10, demand: 10, T0 + LeaseDuration);

        Assert.Equal(2, afterTwoRenewals.Permits);
        Assert.Equal(10, afterALease.Permits);
    }

    [Fact]
    public void Lease_OfAFirstActivation_OpensAtOnce()
    {
        _ledger.Resume(leasesValidUntil: default, closedCleanly: false, T0, RenewInterval);

        Assert.Equal(10, _ledger.Lease("a", limit: 10, inUse: 0, need: 10, demand: 10, T0).Permits);
    }

    [Fact]
    public void Share_SplitsTheRateByDemand()
    {
        _ledger.Share("a", requestsPerSecond: 100, burst: 20, demand: 300, T0);
        var b = _ledger.Share("b", requestsPerSecond: 100, burst: 20, demand: 100, T0);
        var a = _ledger.Share("a", requestsPerSecond: 100, burst: 20, demand: 300, T0);

        Assert.Equal(75, a.RequestsPerSecond, precision: 6);
        Assert.Equal(25, b.RequestsPerSecond, precision: 6);
        Assert.Equal(15, a.Burst, precision: 6);
    }
}

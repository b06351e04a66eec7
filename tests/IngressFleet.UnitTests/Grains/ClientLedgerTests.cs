using IngressFleet.Grains.Contracts.Limits;
using IngressFleet.Grains.Limits;

namespace IngressFleet.Tests.Grains;

/// <summary>How the client-limit grain shares one client's limits among the silos that see it, under an explicit clock.</summary>
public sealed class ClientLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    private readonly ClientLedger _ledger = new(LeaseDuration);

    [Fact]
    public void AClientSeenByOneSilo_GetsNoPart_ThatSiloKeepsTheWholeLimit()
    {
        var shares = _ledger.Report("a", 8, [new ClientDemand("192.0.2.1", 50, 3), new ClientDemand("192.0.2.2", 1, 1)], T0);
        Assert.Empty(shares.Shares);
        Assert.Equal(LeaseDuration, shares.Duration);
    }

    [Fact]
    public void AClientSeenBySeveralSilos_HasItsRateSplitByDemand_AndItsConnectionsByNeed()
    {
        _ledger.Report("a", 8, [new ClientDemand("192.0.2.1", 30, 6)], T0);
        var b = Assert.Single(_ledger.Report("b", 8, [new ClientDemand("192.0.2.1", 10, 1)], T0).Shares);
        var a = Assert.Single(_ledger.Report("a", 8, [new ClientDemand("192.0.2.1", 30, 6)], T0).Shares);

        Assert.Equal(0.25, b.RateFraction, 3);
        Assert.Equal(0.75, a.RateFraction, 3);
        Assert.Equal(1, b.Connections);
        Assert.Equal(7, a.Connections);
    }

    [Fact]
    public void ThreeSilos_WithEqualDemand_ShareEqually_AndNeverBeyondTheLimit()
    {
        var silos = new[] { "a", "b", "c" };
        foreach (var silo in silos)
        {
            _ledger.Report(silo, 9, [new ClientDemand("2001:db8::1", 20, 9)], T0);
        }

        var parts = silos.Select(s => Assert.Single(_ledger.Report(s, 9, [new ClientDemand("2001:db8::1", 20, 9)], T0).Shares)).ToList();
        Assert.All(parts, p => Assert.Equal(1.0 / 3, p.RateFraction, 3));
        Assert.Equal(1.0, parts.Sum(p => p.RateFraction), 6);
        Assert.Equal(9, parts.Sum(p => p.Connections));
    }

    [Fact]
    public void ASiloThatStopsReporting_LapsesAfterALease_AndTheOtherGetsTheWholeLimitBack()
    {
        _ledger.Report("a", 4, [new ClientDemand("192.0.2.1", 10, 2)], T0);
        Assert.Single(_ledger.Report("b", 4, [new ClientDemand("192.0.2.1", 10, 2)], T0).Shares);

        Assert.Single(_ledger.Report("b", 4, [new ClientDemand("192.0.2.1", 10, 2)], T0 + LeaseDuration - TimeSpan.FromMilliseconds(1)).Shares);
        Assert.Empty(_ledger.Report("b", 4, [new ClientDemand("192.0.2.1", 10, 2)], T0 + LeaseDuration).Shares);

        var view = _ledger.View("clients|default/web", T0 + LeaseDuration);
        Assert.Equal(1, view.Clients);
        Assert.Equal(0, view.SharedClients);
        Assert.Equal(0, _ledger.View("clients|default/web", T0 + (3 * LeaseDuration)).Clients);
    }

    [Fact]
    public void ASiloThatBarelySawTheClient_StillGetsAPartThatRefills()
    {
        _ledger.Report("a", 0, [new ClientDemand("192.0.2.1", 1000, 0)], T0);
        var b = Assert.Single(_ledger.Report("b", 0, [new ClientDemand("192.0.2.1", 0, 0)], T0).Shares);
        Assert.InRange(b.RateFraction, 0.00005, 0.001);
        Assert.Equal(0, b.Connections);
    }
}

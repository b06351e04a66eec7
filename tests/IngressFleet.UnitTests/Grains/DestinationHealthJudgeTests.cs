using IngressFleet.Core.Model;
using IngressFleet.Grains.Backends;
using IngressFleet.Grains.Contracts.Health;

namespace IngressFleet.Tests.Grains;

/// <summary>The backend grain's health verdicts under an explicit clock, with the default thresholds (5 failures, 50%, 2 s window, 10 s reactivation).</summary>
public sealed class DestinationHealthJudgeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly HealthCheck Check = new("/healthz", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), HealthyThreshold: 2, UnhealthyThreshold: 3);

    private static readonly string[] Destinations = ["10.0.0.1:80", "10.0.0.2:80"];

    private readonly DestinationHealthJudge _judge = new(new HealthOptions());

    [Fact]
    public void Report_ServerErrorsAlone_NeverEjectTheLastHealthyDestination()
    {
        // 10.0.0.2 is ejected by connection failures; 10.0.0.1 then answers nothing but 500s.
        Assert.NotNull(_judge.Report("silo-a", new DestinationOutcome("10.0.0.2:80", 0, 5), T0, Destinations));
        Assert.Null(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 12) { ServerErrors = 12 }, T0, Destinations));
        Assert.Empty(_judge.Ejected(new HashSet<string> { "10.0.0.1:80" }, "grain"));

        // Connection failures still eject it: the evidence is not the client's to make.
        Assert.NotNull(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 5), T0.AddMilliseconds(100), Destinations));
    }

    [Fact]
    public void Report_ServerErrors_EjectWhileAnotherDestinationIsHealthy()
    {
        Assert.NotNull(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 12) { ServerErrors = 12 }, T0, Destinations));
    }

    [Fact]
    public void Report_OnlyFailures_EjectsAtOnce()
    {
        var reason = _judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 5), T0, Destinations);

        Assert.Equal("5 requests in a row failed (reported by silo-a)", reason);
        var ejected = Assert.Single(Ejected());
        Assert.Equal(T0 + TimeSpan.FromSeconds(10), ejected.Until);
    }

    [Fact]
    public void Report_FailuresFromSeveralSilos_EjectOnceTheyMakeHalfTheWindow()
    {
        Assert.Null(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 4, 3), T0, Destinations));
        Assert.Null(_judge.Report("silo-b", new DestinationOutcome("10.0.0.1:80", 0, 1), T0.AddMilliseconds(300), Destinations));

        var reason = _judge.Report("silo-c", new DestinationOutcome("10.0.0.1:80", 0, 1), T0.AddMilliseconds(600), Destinations);

        Assert.Equal("5 of 9 requests failed in the last 2 s (reported by silo-c and others)", reason);
    }

    [Fact]
    public void Report_FailuresOutsideTheWindow_AreForgotten()
    {
        Assert.Null(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 4), T0, Destinations));

        Assert.Null(_judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 1, 1), T0.AddSeconds(3), Destinations));
        Assert.Empty(Ejected());
    }

    [Fact]
    public void Reactivate_ReturnsADestination_WhenItsPeriodEnds()
    {
        _judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 5), T0, Destinations);

        Assert.Empty(_judge.Reactivate(T0.AddSeconds(9)));
        Assert.Equal(["10.0.0.1:80"], _judge.Reactivate(T0.AddSeconds(10)));
        Assert.Empty(Ejected());
    }

    [Fact]
    public void Probe_EjectsAfterTheUnhealthyThreshold_UntilProbesPassAgain()
    {
        Assert.Null(_judge.Probe("silo-p", "10.0.0.2:80", healthy: false, Check, T0));
        Assert.Null(_judge.Probe("silo-p", "10.0.0.2:80", healthy: false, Check, T0));
        Assert.Equal((true, "3 probes of /healthz in a row failed (probed by silo-p)"), _judge.Probe("silo-p", "10.0.0.2:80", healthy: false, Check, T0));
        Assert.Null(Assert.Single(Ejected()).Until);
        Assert.Empty(_judge.Reactivate(T0.AddHours(1)));

        Assert.Null(_judge.Probe("silo-p", "10.0.0.2:80", healthy: true, Check, T0));
        Assert.Equal((false, "2 probes in a row passed"), _judge.Probe("silo-p", "10.0.0.2:80", healthy: true, Check, T0));
        Assert.Empty(Ejected());
    }

    [Fact]
    public void Ejected_ListsOnlyCurrentDestinations()
    {
        _judge.Report("silo-a", new DestinationOutcome("10.0.0.1:80", 0, 5), T0, Destinations);

        Assert.Empty(_judge.Ejected(new HashSet<string>(StringComparer.Ordinal) { "10.0.0.9:80" }, "silo-x"));
    }

    private List<EjectedDestination> Ejected() =>
        [.. _judge.Ejected(new HashSet<string>(StringComparer.Ordinal) { "10.0.0.1:80", "10.0.0.2:80" }, "silo-x")];
}

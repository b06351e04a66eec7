using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Fleet;
using IngressFleet.Host.Admin;

namespace IngressFleet.Tests.Hosting;

/// <summary>The fleet page's version timeline, from commits and silo reports: how long each version took to reach every live silo.</summary>
public sealed class FleetTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachVersion_ReachesEverySilo_WhenTheSlowestAppliedIt_OrAnyLaterOne()
    {
        var timeline = FleetTimeline.Of(
            [new VersionCommit(1, T0), new VersionCommit(2, T0.AddSeconds(10)), new VersionCommit(3, T0.AddSeconds(20))],
            [
                Silo("a", (1, T0.AddMilliseconds(30)), (2, T0.AddSeconds(10.02)), (3, T0.AddSeconds(20.01))),

                // b skipped version 2 (it went from 1 to 3 at once): 2 reached it with 3.
                Silo("b", (1, T0.AddMilliseconds(50)), (3, T0.AddSeconds(20.09))),
            ]);

        Assert.Equal([3L, 2, 1], timeline.Select(v => v.Version));
        Assert.Equal(90, timeline[0].AppliedEverywhereAfterMs);
        Assert.Equal(10_090, timeline[1].AppliedEverywhereAfterMs);
        Assert.Equal(50, timeline[2].AppliedEverywhereAfterMs);
        Assert.All(timeline, v => Assert.Equal((2, 2), (v.SilosAt, v.Silos)));
    }

    [Fact]
    public void AVersionNotYetEverywhere_SaysSo_AndASiloThatJoinedLater_DoesNotStretchOlderVersions()
    {
        var timeline = FleetTimeline.Of(
            [new VersionCommit(1, T0), new VersionCommit(2, T0.AddSeconds(10))],
            [
                Silo("a", (1, T0.AddMilliseconds(20)), (2, T0.AddSeconds(10.01))),
                Silo("b", (1, T0.AddMilliseconds(40))),

                // c started a minute later, at version 2: it says nothing of how fast either version spread.
                Silo("c", (2, T0.AddSeconds(60))),
            ]);

        Assert.Null(timeline[0].AppliedEverywhereAfterMs);
        Assert.Equal((2, 3), (timeline[0].SilosAt, timeline[0].Silos));
        Assert.Equal(40, timeline[1].AppliedEverywhereAfterMs);

        // A member that has not reported yet: no version is known to be everywhere.
        Assert.All(FleetTimeline.Of([new VersionCommit(1, T0)], [Silo("a", (1, T0.AddMilliseconds(20)))], unreported: 1), v => Assert.Null(v.AppliedEverywhereAfterMs));
    }

    [Fact]
    public void AVersionOlderThanEverySilosHistory_IsUnknown_NotStretched()
    {
        // a applied 16 versions since version 1 (its whole history): when it applied 1 is no longer known.
        var history = Enumerable.Range(2, 16).Select(v => ((long)v, T0.AddSeconds(v))).ToArray();
        var timeline = FleetTimeline.Of([new VersionCommit(1, T0), new VersionCommit(17, T0.AddSeconds(17) - TimeSpan.FromMilliseconds(30))], [Silo("a", history) with { StartedAt = T0.AddSeconds(-5) }]);

        Assert.Equal(30, timeline[0].AppliedEverywhereAfterMs);
        Assert.Null(timeline[1].AppliedEverywhereAfterMs);
        Assert.Equal((1, 1), (timeline[1].SilosAt, timeline[1].Silos));
    }

    private static SiloReport Silo(string name, params (long Version, DateTimeOffset At)[] applied) =>
        new(name, name, 8080, 9090, applied[^1].Version, applied[^1].At, Ready: true, RunsSource: false)
        {
            RecentlyApplied = [.. applied.Select(a => new AppliedVersion(a.Version, a.At))],

            // Started a moment before it applied its first version.
            StartedAt = applied[0].At.AddSeconds(-1),
        };
}

using System.Collections.Immutable;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Fleet;

namespace IngressFleet.Host.Admin;

/// <summary>
/// The fleet page's config-version timeline: each version committed lately, and how long after its commit every
/// live silo served it (or a later one), from the versions each silo reports it applied and when.
/// </summary>
internal static class FleetTimeline
{
    /// <param name="commits">The versions committed lately, oldest first.</param>
    /// <param name="silos">The reports of the live silos.</param>
    /// <param name="unreported">Live silos that have not reported yet: while there are some, no version is known to be everywhere.</param>
    public static IReadOnlyList<VersionSpread> Of(ImmutableArray<VersionCommit> commits, IReadOnlyList<SiloReport> silos, int unreported = 0)
    {
        var spreads = new List<VersionSpread>(commits.Length);

        // As far back as silos keep what they applied: older spreads could not be told.
        foreach (var commit in commits.Reverse().Take(HistoryKept))
        {
            var at = silos.Where(s => s.AppliedVersion >= commit.Version).ToList();

            // A silo started after the commit was not there to receive it: it says nothing of how fast it spread.
            var judged = at.Where(s => s.StartedAt <= commit.At).ToList();
            DateTimeOffset? everywhere = null;
            if (at.Count == silos.Count && judged.Count > 0 && unreported == 0)
            {
                // The first version at or past this one each silo applied. A silo whose history does not reach back to
                // this version (it applied many since) cannot tell: then neither can the timeline.
                var firsts = judged.Select(s => FirstAtOrPast(s, commit.Version)).ToList();
                everywhere = firsts.All(f => f is not null) ? firsts.Max() : null;
            }

            spreads.Add(new VersionSpread(
                commit.Version,
                commit.At,
                everywhere is { } e ? Math.Max(0, (long)Math.Round((e - commit.At).TotalMilliseconds)) : null,
                at.Count,
                silos.Count));
        }

        return spreads;
    }

    /// <summary>When the silo first served this version or a later one; null when its history does not reach back that far.</summary>
    private static DateTimeOffset? FirstAtOrPast(SiloReport silo, long version)
    {
        var history = silo.RecentlyApplied;
        if (history.IsEmpty)
        {
            return silo.AppliedVersion >= version ? silo.AppliedAt : null;
        }

        for (var i = 0; i < history.Length; i++)
        {
            if (history[i].Version >= version)
            {
                // A full history starting past the version may have lost the entry that would answer.
                return i == 0 && history.Length >= HistoryKept && history[0].Version > version ? null : history[i].At;
            }
        }

        return null;
    }

    // As many versions as ConfigInForce keeps.
    private const int HistoryKept = 16;
}

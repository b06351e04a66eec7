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
    public static IReadOnlyList<VersionSpread> Of(ImmutableArray<VersionCommit> commits, IReadOnlyList<SiloReport> silos)
    {
        var spreads = new List<VersionSpread>(commits.Length);
        foreach (var commit in commits.Reverse())
        {
            var at = silos.Where(s => s.AppliedVersion >= commit.Version).ToList();

            // A silo whose whole history starts past this version joined after it: it says nothing of how fast this
            // version spread (unless every silo did, as at the fleet's start).
            var before = at.Where(s => !JoinedAfter(s, commit.Version)).ToList();
            var judged = before.Count > 0 ? before : at;
            DateTimeOffset? everywhere = null;
            if (at.Count == silos.Count && judged.Count > 0)
            {
                // The first version at or past this one each silo applied; without history, when it applied what it serves.
                everywhere = judged.Max(s => s.RecentlyApplied.FirstOrDefault(a => a.Version >= commit.Version)?.At ?? s.AppliedAt);
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

    /// <summary>The silo's history is complete (shorter than what silos keep) and begins past <paramref name="version"/>.</summary>
    private static bool JoinedAfter(SiloReport silo, long version) =>
        silo.RecentlyApplied.Length is > 0 and < HistoryKept && silo.RecentlyApplied[0].Version > version;

    // As many versions as ConfigInForce keeps.
    private const int HistoryKept = 16;
}

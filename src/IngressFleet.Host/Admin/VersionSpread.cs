namespace IngressFleet.Host.Admin;

/// <summary>One version of the timeline: when committed, how long until every silo served it (null: not yet), and how many do.</summary>
internal sealed record VersionSpread(long Version, DateTimeOffset CommittedAt, long? AppliedEverywhereAfterMs, int SilosAt, int Silos);

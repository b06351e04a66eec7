namespace IngressFleet.Distribution.Following;

/// <summary>What became of a delta offered to a <see cref="VersionedFollower{TDelta, TSnapshot}"/>.</summary>
public enum DeltaOutcome
{
    /// <summary>It followed the served version and was applied.</summary>
    Applied,

    /// <summary>It was not newer than the served version (a duplicate, or covered by a snapshot).</summary>
    Ignored,

    /// <summary>It did not follow the served version (an event was lost, or it had no payload): the snapshot was fetched instead.</summary>
    SnapshotApplied,
}

namespace IngressFleet.Distribution.Following;

/// <summary>The silo's side of something versioned it follows: what it serves, and how a delta or a snapshot is applied.</summary>
/// <typeparam name="TDelta">One version's change.</typeparam>
/// <typeparam name="TSnapshot">A whole version.</typeparam>
public interface IVersionedTarget<TDelta, TSnapshot>
{
    /// <summary>The version served.</summary>
    long Version { get; }

    /// <summary>
    /// True when the control plane may go back to an older version and its snapshot still wins (soft state
    /// such as health, rebuilt from scratch when its grain restarts); false when versions only grow (config).
    /// </summary>
    bool FollowsOlderVersions { get; }

    long VersionOf(TDelta delta);

    long VersionOf(TSnapshot snapshot);

    /// <summary>Applies <paramref name="delta"/> if it follows the served version exactly; false when it does not (a gap, or no payload).</summary>
    bool TryApply(TDelta delta);

    void Apply(TSnapshot snapshot);

    /// <summary>Called around each delta's handling, for tracing and metrics; the result is disposed after it.</summary>
    IDisposable? Handling(TDelta delta) => null;

    /// <summary>Called after each delta's handling with what became of it.</summary>
    void Handled(TDelta delta, DeltaOutcome outcome, TimeSpan elapsed, IDisposable? handling)
    {
    }

    /// <summary>Called when handling a delta threw; the served version stays until the next check.</summary>
    void Failed(TDelta delta, Exception exception, IDisposable? handling)
    {
    }
}

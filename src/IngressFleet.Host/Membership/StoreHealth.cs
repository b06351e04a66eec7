namespace IngressFleet.Host.Membership;

/// <summary>The control plane's store as this silo last found it.</summary>
/// <param name="Reachable">Redis answered.</param>
/// <param name="TablePresent">The membership table holds this silo's row.</param>
/// <param name="Error">What went wrong, if anything.</param>
/// <param name="CheckedAt">When it was checked; null before the first check.</param>
/// <param name="Repairs">How many times this silo re-registered after the table was lost.</param>
internal sealed record StoreHealth(bool Reachable, bool TablePresent, string? Error, DateTimeOffset? CheckedAt, int Repairs)
{
    /// <summary>Before the first check, and for good in standalone mode, whose store is memory.</summary>
    public static StoreHealth Unchecked { get; } = new(true, true, null, null, 0);

    public bool Available => Reachable && TablePresent;

    /// <summary>What readiness says about it: null while all is well.</summary>
    public string? Detail =>
        !Reachable ? $"the control plane's store (Redis) does not answer ({Error}); the config in force keeps serving"
        : !TablePresent ? $"the membership table in Redis was lost; this silo re-registers ({Error})"
        : null;
}

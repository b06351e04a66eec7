namespace IngressFleet.Grains.SourceLeases;

/// <summary>
/// What the lease grain persists, and the lease's rules: one holder at a time, a new term for each new holder.
/// A new term is the current time in milliseconds when that is above the last term, so terms keep rising even
/// after the store lost this state (Redis restarted empty): fencing never depends on the store remembering.
/// </summary>
[GenerateSerializer, Alias("ingressfleet.SourceLeaseState")]
public sealed class SourceLeaseState
{
    [Id(0)] public string? Holder { get; set; }

    [Id(1)] public long Term { get; set; }

    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Whether someone holds the lease at <paramref name="now"/>.</summary>
    public bool IsHeld(DateTimeOffset now) => Holder is not null && ExpiresAt > now;

    /// <summary>
    /// Grants or renews the lease for <paramref name="holder"/> unless another holds it. A holder taking over
    /// (from another, or after its own lease lapsed) starts a new term, so commits of the old term are refused.
    /// </summary>
    /// <returns>True when <paramref name="holder"/> holds the lease now.</returns>
    public bool AcquireOrRenew(string holder, TimeSpan duration, DateTimeOffset now)
    {
        var held = IsHeld(now);
        if (held && Holder != holder)
        {
            return false;
        }

        if (!held || Holder != holder)
        {
            Term = Math.Max(Term + 1, now.ToUnixTimeMilliseconds());
            Holder = holder;
        }

        ExpiresAt = now + duration;
        return true;
    }

    /// <summary>Ends the lease at once, if <paramref name="holder"/> still holds it in <paramref name="term"/>.</summary>
    /// <returns>True when the lease was released.</returns>
    public bool Release(string holder, long term)
    {
        if (Holder != holder || Term != term)
        {
            return false;
        }

        ExpiresAt = DateTimeOffset.MinValue;
        return true;
    }
}

using IngressFleet.Grains.Contracts.Limits;

namespace IngressFleet.Grains.Limits;

/// <summary>
/// One fleet-wide limit's accounting: each silo's lease (granted, in use, need, demand, expiry) and how the
/// limit is shared among them. Plain logic under an explicit clock, so it is tested without a silo; the limit
/// grain feeds it and persists only how long its leases may last.
/// </summary>
internal sealed class LimitLedger(TimeSpan leaseDuration)
{
    private readonly Dictionary<string, Holding> _holdings = new(StringComparer.Ordinal);
    private double _limit;

    /// <summary>
    /// Until then, leases a previous activation granted may still be in use: only what silos already have in
    /// flight is confirmed, so the fleet-wide count cannot exceed the limit.
    /// </summary>
    public DateTimeOffset GrantsOpenAt { get; private set; }

    /// <summary>
    /// Starts a new activation's accounting after a previous one that stored its leases valid until
    /// <paramref name="leasesValidUntil"/> (default: none ever granted). Grants open once the previous
    /// activation's leases have lapsed: by the marker if it closed cleanly, else a full lease from now, since it
    /// may have granted after its last stored marker. Either way not before every live silo has renewed twice
    /// (<paramref name="renewInterval"/>): requests admitted under a lapsed lease may still be in flight, and a
    /// silo tells how many only when it renews.
    /// </summary>
    public void Resume(DateTimeOffset leasesValidUntil, bool closedCleanly, DateTimeOffset now, TimeSpan renewInterval)
    {
        if (leasesValidUntil != default)
        {
            var waitAtLeast = now + (closedCleanly ? 2 * renewInterval : leaseDuration);
            GrantsOpenAt = leasesValidUntil > waitAtLeast ? leasesValidUntil : waitAtLeast;
        }
    }

    /// <summary>The limit's state as silos last reported it.</summary>
    public LimitView View(string key, DateTimeOffset now)
    {
        Expire(now);
        return new LimitView(
            key,
            _limit,
            [.. _holdings.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LimitHolding(p.Key, p.Value.Granted, p.Value.InUse, p.Value.Demand, p.Value.ExpiresAt) { Rejected = p.Value.Rejected })]);
    }

    /// <summary>Renews the connection permits of <paramref name="silo"/>: what it needs, fairly shared, never beyond what others hold.</summary>
    public PermitLease Lease(string silo, int limit, int inUse, int need, int demand, DateTimeOffset now, long rejected = 0)
    {
        Expire(now);
        _limit = limit;
        var holding = _holdings.TryGetValue(silo, out var h) ? h : _holdings[silo] = new Holding();
        holding.Rejected = rejected;
        (holding.InUse, holding.Need, holding.Demand, holding.ExpiresAt) = (inUse, Math.Max(need, inUse), Math.Max(demand, Math.Max(need, inUse)), now + leaseDuration);

        // A silo renews one call at a time, so this call tells that it runs with the previous grant now.
        var acknowledged = holding.Granted;

        int granted;
        if (now < GrantsOpenAt)
        {
            granted = Math.Min(inUse, (int)holding.Granted);
            granted = Math.Max(granted, Math.Min(inUse, limit - Reserved(silo)));
        }
        else
        {
            var fair = FairShares(limit)[silo];
            granted = (int)Math.Min(fair, limit - Reserved(silo));
        }

        holding.Granted = Math.Max(granted, 0);

        // Until the silo has this answer it still runs with the previous grant: a cut is not free for others yet.
        holding.Reserved = Math.Max(acknowledged, holding.Granted);
        return new PermitLease((int)holding.Granted, leaseDuration);
    }

    /// <summary>Renews the rate share of <paramref name="silo"/>, in proportion to its demand.</summary>
    public RateShare Share(string silo, double requestsPerSecond, int burst, double demand, DateTimeOffset now, long rejected = 0)
    {
        Expire(now);
        _limit = requestsPerSecond;
        var holding = _holdings.TryGetValue(silo, out var h) ? h : _holdings[silo] = new Holding();
        holding.Rejected = rejected;
        (holding.Demand, holding.ExpiresAt) = (Math.Max(demand, 0.1), now + leaseDuration);
        var total = _holdings.Values.Sum(x => x.Demand);
        var share = requestsPerSecond * holding.Demand / total;
        holding.Granted = share;
        holding.InUse = demand;
        return new RateShare(share, Math.Max(1, burst * share / requestsPerSecond), leaseDuration);
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var silo in _holdings.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).ToList())
        {
            _holdings.Remove(silo);
        }
    }

    /// <summary>
    /// What the other silos hold or still use: the part of the limit not available to <paramref name="silo"/>.
    /// A grant that was cut counts at its old size until its silo renews again (and so has the cut).
    /// </summary>
    private int Reserved(string silo) =>
        (int)_holdings.Where(p => p.Key != silo).Sum(p => Math.Max(p.Value.Reserved, p.Value.InUse));

    /// <summary>
    /// Max-min fair shares, in two rounds of water-filling: first what each silo needs now (in flight and
    /// queued), then headroom from what is left. A silo needing less than an equal part gets what it needs and
    /// the rest is split among the others; so under skew the busy silo gets most of the limit, every silo with
    /// waiting requests gets some, and headroom never starves a silo that has requests waiting.
    /// </summary>
    private Dictionary<string, double> FairShares(int limit)
    {
        var shares = _holdings.Keys.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        var remaining = MaxMinFair.Fill(shares, _holdings.Select(p => KeyValuePair.Create(p.Key, p.Value.Need)), limit);
        MaxMinFair.Fill(shares, _holdings.Select(p => KeyValuePair.Create(p.Key, p.Value.Demand)), remaining);
        return shares;
    }

    private sealed class Holding
    {
        public double Granted;

        // The larger of the grant and the one before it, until the silo renews: never below Granted.
        public double Reserved;
        public double InUse;
        public double Need;
        public double Demand;
        public DateTimeOffset ExpiresAt;
        public long Rejected;
    }
}

namespace IngressFleet.Grains.Limits;

/// <summary>Max-min fair sharing in whole units: what connection limits, whole or per client, are split by.</summary>
internal static class MaxMinFair
{
    /// <summary>
    /// One round of water-filling: adds to each share, up to its cap, an equal part of <paramref name="remaining"/>,
    /// smallest gap first, so one needing less than an equal part gets what it needs and the rest is split among
    /// the others. Returns what is left.
    /// </summary>
    public static double Fill<TKey>(Dictionary<TKey, double> shares, IEnumerable<KeyValuePair<TKey, double>> caps, double remaining)
        where TKey : notnull
    {
        var open = caps.Where(p => p.Value > shares[p.Key]).OrderBy(p => p.Value - shares[p.Key]).ToList();
        for (var i = 0; i < open.Count && remaining > 0; i++)
        {
            var equal = Math.Max(1, Math.Floor(remaining / (open.Count - i)));
            var (key, cap) = open[i];
            var add = Math.Min(Math.Min(cap - shares[key], equal), remaining);
            shares[key] += add;
            remaining -= add;
        }

        return remaining;
    }
}

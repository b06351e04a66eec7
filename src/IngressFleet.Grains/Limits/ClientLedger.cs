using System.Collections.Immutable;
using IngressFleet.Grains.Contracts.Limits;

namespace IngressFleet.Grains.Limits;

/// <summary>
/// One Ingress's per-client limits across the fleet: for each client, which silos saw it lately and how much it
/// asked of each, and each silo's part of its limits when more than one did. Rates are split by demand;
/// connections max-min fairly by need, then what is left equally, so every silo can admit a next request.
/// Plain logic under an explicit clock, so it is tested without a silo.
/// </summary>
internal sealed class ClientLedger(TimeSpan leaseDuration)
{
    // A silo that saw a client barely still gets a part big enough to refill, not a vanishing one.
    private const double LeastRate = 0.1;

    private readonly Dictionary<string, Dictionary<string, Seen>> _clients = new(StringComparer.Ordinal);
    private DateTimeOffset _sweptAt;

    public ClientShares Report(string silo, int connections, ImmutableArray<ClientDemand> clients, DateTimeOffset now)
    {
        SweepIfDue(now);
        var shares = ImmutableArray.CreateBuilder<ClientShare>();
        foreach (var demand in clients)
        {
            if (!_clients.TryGetValue(demand.Client, out var silos))
            {
                _clients[demand.Client] = silos = new(StringComparer.Ordinal);
            }

            silos[silo] = new Seen(Math.Max(demand.RequestsPerSecond, LeastRate), Math.Max(demand.Connections, 0), now + leaseDuration);
            Expire(silos, now);
            if (silos.Count > 1)
            {
                shares.Add(new ClientShare(demand.Client, silos[silo].Rate / silos.Values.Sum(s => s.Rate), connections > 0 ? Connections(silo, silos, connections) : 0));
            }
        }

        return new ClientShares(shares.ToImmutable(), leaseDuration);
    }

    public ClientLimitView View(string key, DateTimeOffset now)
    {
        SweepIfDue(now);
        return new ClientLimitView(key, _clients.Count, _clients.Values.Count(s => s.Values.Count(x => x.Until > now) > 1), null);
    }

    private static int Connections(string silo, Dictionary<string, Seen> silos, int limit)
    {
        var shares = silos.Keys.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        var left = MaxMinFair.Fill(shares, silos.Select(p => KeyValuePair.Create(p.Key, (double)p.Value.Need)), limit);
        MaxMinFair.Fill(shares, silos.Keys.Select(k => KeyValuePair.Create(k, (double)limit)), left);
        return (int)shares[silo];
    }

    private static void Expire(Dictionary<string, Seen> silos, DateTimeOffset now)
    {
        foreach (var stale in silos.Where(p => p.Value.Until <= now).Select(p => p.Key).ToList())
        {
            silos.Remove(stale);
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now - _sweptAt < leaseDuration)
        {
            return;
        }

        _sweptAt = now;
        foreach (var (client, silos) in _clients.ToList())
        {
            Expire(silos, now);
            if (silos.Count == 0)
            {
                _clients.Remove(client);
            }
        }
    }

    private readonly record struct Seen(double Rate, int Need, DateTimeOffset Until);
}

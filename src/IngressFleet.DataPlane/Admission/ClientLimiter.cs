using System.Collections.Concurrent;
using System.Net;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// One Ingress's limits per client address (<see cref="ClientLimit"/>) on this silo: a token bucket per rate and
/// a count of requests in flight per client, decided on the request path from local state only. A client seen
/// by one silo gets the whole limit there, exactly as ingress-nginx counts it. A client seen by several silos
/// gets a part on each (<see cref="Share"/>), set off the request path by the Ingress's client-limit grain from
/// what every silo reports (<see cref="TakeUse"/>), so the limit holds for the fleet; a part that is not renewed
/// lapses back to the whole limit, the meaning ingress-nginx gives it on each replica.
/// </summary>
public sealed class ClientLimiter(string key, ClientLimit limit, TimeProvider time, ClientCapacity capacity)
{
    /// <summary>Clients tracked per Ingress on a silo; see <see cref="ClientCapacity"/> for what happens when full.</summary>
    public const int MaxClients = 100_000;

    /// <summary>The most clients one silo reports per limit and round: the most demanding ones, which are those a fleet-wide share matters for.</summary>
    public const int MaxReported = 10_000;

    // Set in place of the count when the limiter is retired: an entry after that fails and looks the limiter up again.
    private const int Retired = int.MinValue / 2;

    private readonly ConcurrentDictionary<IPAddress, ClientCounters> _clients = new();
    private readonly Lock _evicting = new();
    private int _count;

    public string Key { get; } = key;

    public ClientLimit Limit { get; set; } = limit;

    /// <summary>When a request last came under these limits, for forgetting the whole limiter.</summary>
    public long LastUsed { get; private set; } = time.GetTimestamp();

    public int Clients => Math.Max(0, Volatile.Read(ref _count));

    /// <summary>Raised when a client is seen for the first time: the fleet should hear of it now rather than at the next report.</summary>
    public event Action? ClientAdded;

    /// <summary>
    /// Admits a request of <paramref name="client"/>, or says which limit refuses it. An admitted request must
    /// <see cref="ClientCounters.Exit"/>. <see cref="ClientVerdict.Forgotten"/>: this limiter was retired, ask for it again.
    /// </summary>
    public ClientVerdict TryEnter(IPAddress client, out ClientCounters? entered)
    {
        ArgumentNullException.ThrowIfNull(client);
        entered = null;
        var limit = Limit;
        var now = time.GetTimestamp();
        LastUsed = now;
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        while (true)
        {
            if (!_clients.TryGetValue(address, out var counters))
            {
                switch (TryCount())
                {
                    case null:
                        return ClientVerdict.Forgotten;
                    case false:
                        return ClientVerdict.TooManyClients;
                }

                counters = new ClientCounters(limit, now);
                if (!_clients.TryAdd(address, counters))
                {
                    Uncount();
                    continue;
                }

                ClientAdded?.Invoke();
            }

            var verdict = counters.TryEnter(limit, now, time.TimestampFrequency);
            if (verdict == ClientVerdict.Forgotten)
            {
                // Forgotten between the lookup and the lock: counted afresh.
                continue;
            }

            entered = verdict == ClientVerdict.Admitted ? counters : null;
            return verdict;
        }
    }

    /// <summary>Retires the limiter if it counts no client, so a request that still holds it looks it up again; true if retired.</summary>
    public bool TryRetire() => Interlocked.CompareExchange(ref _count, Retired, 0) == 0;

    /// <summary>
    /// The clients with requests since the last call or in flight now (the <see cref="MaxReported"/> asking most):
    /// their rate asked (admitted or not, per second) and the requests they wanted in flight at most. Clients idle
    /// long enough for their buckets to be full again are forgotten: a new count starts where theirs would be.
    /// </summary>
    public List<ClientUse> TakeUse()
    {
        var now = time.GetTimestamp();
        var used = new List<ClientUse>();
        foreach (var (address, counters) in _clients)
        {
            if (counters.TakeUse(Limit, now, time.TimestampFrequency) is { } use)
            {
                used.Add(new ClientUse(address.ToString(), use.Rate, use.Need));
            }
            else if (counters.Forget(Limit, now, time.TimestampFrequency))
            {
                Remove(address);
            }
        }

        return used.Count <= MaxReported ? used : [.. used.OrderByDescending(u => u.RequestsPerSecond).ThenByDescending(u => u.Connections).Take(MaxReported)];
    }

    /// <summary>
    /// Sets <paramref name="client"/>'s part of the limits on this silo (a fraction of each rate, a number of
    /// connections) until <paramref name="duration"/> after <paramref name="askedAt"/> (taken before asking, so
    /// this silo's deadline is never later than the grain's).
    /// </summary>
    public void Share(string client, double fraction, int connections, TimeSpan duration, long askedAt)
    {
        if (IPAddress.TryParse(client, out var address) && _clients.TryGetValue(address, out var counters))
        {
            counters.Share(Limit, fraction, connections, askedAt + (long)(duration.TotalSeconds * 0.9 * time.TimestampFrequency), time.GetTimestamp(), time.TimestampFrequency);
        }
    }

    /// <summary>Counts a new client: true if there is room (evicting if need be), false if not, null if the limiter is retired.</summary>
    private bool? TryCount()
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var count = Interlocked.Increment(ref _count);
            if (count <= 0)
            {
                Interlocked.Decrement(ref _count);
                return null;
            }

            if (count <= MaxClients && capacity.TryTake())
            {
                return true;
            }

            Interlocked.Decrement(ref _count);
            if (count <= MaxClients)
            {
                // The silo's own cap across Ingresses: room is made in this limiter as well.
                capacity.Refused();
            }

            if (attempt == 0 && !EvictLeastRecentlyUsed())
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// When full, as nginx's limit zones do: forgets the least recently used half of the clients with nothing in
    /// flight (their buckets start full again if they come back). One thread evicts at a time; the others are
    /// refused meanwhile. False when nothing could be evicted.
    /// </summary>
    private bool EvictLeastRecentlyUsed()
    {
        if (!_evicting.TryEnter())
        {
            return false;
        }

        try
        {
            var idle = _clients.Where(c => c.Value.InFlight == 0).Select(c => (c.Key, c.Value, c.Value.LastUsed)).ToList();
            idle.Sort((a, b) => a.LastUsed.CompareTo(b.LastUsed));
            var evicted = 0;
            foreach (var (address, counters, _) in idle.Take(Math.Max(1, idle.Count / 2)))
            {
                if (counters.Evict())
                {
                    Remove(address);
                    evicted++;
                }
            }

            return evicted > 0;
        }
        finally
        {
            _evicting.Exit();
        }
    }

    private void Remove(IPAddress address)
    {
        if (_clients.TryRemove(address, out _))
        {
            Uncount();
        }
    }

    private void Uncount()
    {
        Interlocked.Decrement(ref _count);
        capacity.Return();
    }
}

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
public sealed class ClientLimiter(string key, ClientLimit limit, TimeProvider time)
{
    /// <summary>
    /// Clients tracked per Ingress on a silo. Past it, a new client is refused until idle ones are forgotten:
    /// refusing is the safe side for a limit (nginx's limit zones fail the same way when full).
    /// </summary>
    public const int MaxClients = 100_000;

    private readonly ConcurrentDictionary<IPAddress, ClientCounters> _clients = new();
    private int _count;

    public string Key { get; } = key;

    public ClientLimit Limit { get; set; } = limit;

    /// <summary>When a request last came under these limits, for forgetting the whole limiter.</summary>
    public long LastUsed { get; private set; } = time.GetTimestamp();

    public int Clients => Volatile.Read(ref _count);

    /// <summary>Raised when a client is seen for the first time: the fleet should hear of it now rather than at the next report.</summary>
    public event Action? ClientAdded;

    /// <summary>Admits a request of <paramref name="client"/>, or says which limit refuses it. An admitted request must <see cref="ClientCounters.Exit"/>.</summary>
    public ClientVerdict TryEnter(IPAddress client, out ClientCounters? entered)
    {
        ArgumentNullException.ThrowIfNull(client);
        var limit = Limit;
        var now = time.GetTimestamp();
        LastUsed = now;
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        while (true)
        {
            if (!_clients.TryGetValue(address, out var counters))
            {
                if (Interlocked.Increment(ref _count) > MaxClients)
                {
                    Interlocked.Decrement(ref _count);
                    entered = null;
                    return ClientVerdict.TooManyClients;
                }

                counters = new ClientCounters(limit, now);
                if (!_clients.TryAdd(address, counters))
                {
                    Interlocked.Decrement(ref _count);
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

    /// <summary>
    /// The clients with requests since the last call or in flight now: their rate asked (admitted or not,
    /// per second) and the requests they wanted in flight at most. Clients idle long enough for their buckets to
    /// be full again are forgotten: a new count starts where theirs would be.
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
            else if (counters.Forget(Limit, now, time.TimestampFrequency) && _clients.TryRemove(address, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        return used;
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
}

using System.Collections.Concurrent;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// The request path's side of fleet-wide limits: one <see cref="ConnectionPermits"/> per (Ingress, backend)
/// with a connection limit, one <see cref="RateBucket"/> per Ingress with a rate limit, and one
/// <see cref="ClientLimiter"/> per Ingress with limits per client address, made on first use.
/// Whoever holds the leases (the distribution layer) renews them from <see cref="ConnectionLimits"/> and
/// <see cref="RateLimits"/>, and is woken through <see cref="RenewalWanted"/> when a request starts waiting.
/// </summary>
public sealed class AdmissionControl(TimeProvider time) : IDisposable
{
    // Keyed by what the request path has at hand (the Ingress, the backend): a lookup allocates nothing. The grain
    // key each limit carries is made once, when the limit is.
    private readonly ConcurrentDictionary<(string Ingress, string Backend), ConnectionPermits> _connections = new();
    private readonly ConcurrentDictionary<string, RateBucket> _rates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ClientLimiter> _clients = new(StringComparer.Ordinal);
    private readonly ClientCapacity _capacity = new();
    private long _rejectedConnections;
    private long _rejectedRate;
    private long _rejectedClientConnections;
    private long _rejectedClientRate;

    /// <summary>Released when a limit is created or a request is starved: the leases should be renewed now.</summary>
    public SemaphoreSlim RenewalWanted { get; } = new(0);

    public IEnumerable<ConnectionPermits> ConnectionLimits => _connections.Values;

    public IEnumerable<RateBucket> RateLimits => _rates.Values;

    public IEnumerable<ClientLimiter> ClientLimits => _clients.Values;

    /// <summary>Whether any limit is in use here, so there are leases to renew or clients to report.</summary>
    public bool HoldsLimits => !_connections.IsEmpty || !_rates.IsEmpty || !_clients.IsEmpty;

    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    public long RejectedRate => Interlocked.Read(ref _rejectedRate);

    public long RejectedClientConnections => Interlocked.Read(ref _rejectedClientConnections);

    public long RejectedClientRate => Interlocked.Read(ref _rejectedClientRate);

    /// <summary>The key of the limit grain of an Ingress's connection limit to one backend.</summary>
    public static string ConnectionKey(string ingress, string backend) => $"connections|{ingress}|{backend}";

    /// <summary>The key of the limit grain of an Ingress's rate limit.</summary>
    public static string RateKey(string ingress) => $"rate|{ingress}";

    /// <summary>The key of the client-limit grain of an Ingress's limits per client address.</summary>
    public static string ClientKey(string ingress) => $"clients|{ingress}";

    public ConnectionPermits Connections(string ingress, string backend, ConnectionLimit limit)
    {
        var permits = GetOrAddWaking(_connections, (Ingress: ingress, Backend: backend), key =>
        {
            var created = new ConnectionPermits(ConnectionKey(key.Ingress, key.Backend), limit, time);
            created.Starved += () => RenewalWanted.Release();
            return created;
        });
        if (!ReferenceEquals(permits.Limit, limit))
        {
            // A config version's limits are the same objects for all its requests: written on a new version only.
            permits.Limit = limit;
        }

        return permits;
    }

    public RateBucket Rate(string ingress, RateLimit limit)
    {
        var bucket = GetOrAddWaking(_rates, ingress, key => new RateBucket(RateKey(key), limit, time));
        if (!ReferenceEquals(bucket.Limit, limit))
        {
            bucket.Limit = limit;
        }

        return bucket;
    }

    /// <summary>
    /// The table's entry for <paramref name="key"/>; a new one wakes the lease renewer once it is in the table, not
    /// from the factory: a renewer woken before would find nothing to renew and, holding no limit, wait for the
    /// next wake-up.
    /// </summary>
    private TValue GetOrAddWaking<TKey, TValue>(ConcurrentDictionary<TKey, TValue> table, TKey key, Func<TKey, TValue> create)
        where TKey : notnull
    {
        var added = false;
        var value = table.GetOrAdd(key, k =>
        {
            added = true;
            return create(k);
        });
        if (added)
        {
            RenewalWanted.Release();
        }

        return value;
    }

    public ClientLimiter Clients(string ingress, ClientLimit limit)
    {
        var limiter = _clients.GetOrAdd(ingress, key =>
        {
            var created = new ClientLimiter(ClientKey(key), limit, time, _capacity);
            created.ClientAdded += WakeOnce;
            return created;
        });
        if (!ReferenceEquals(limiter.Limit, limit))
        {
            limiter.Limit = limit;
        }

        return limiter;
    }

    public void RejectedClient(ClientVerdict verdict) =>
        Interlocked.Increment(ref verdict == ClientVerdict.RateExceeded ? ref _rejectedClientRate : ref _rejectedClientConnections);

    public void Rejected(bool rate) => Interlocked.Increment(ref rate ? ref _rejectedRate : ref _rejectedConnections);

    /// <summary>Forgets a limit nobody uses any more; the next request makes it anew.</summary>
    public void Forget(ConnectionPermits permits) => Remove(_connections, permits);

    /// <inheritdoc cref="Forget(ConnectionPermits)"/>
    public void Forget(RateBucket bucket) => Remove(_rates, bucket);

    /// <summary>Forgets a limiter that counts no client (a request still holding it looks it up again); false if it counts some.</summary>
    public bool Forget(ClientLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        if (!limiter.TryRetire())
        {
            return false;
        }

        Remove(_clients, limiter);
        return true;
    }

    // Forgetting is rare (a limit idle for seconds): found by value rather than keeping each one's key twice.
    private static void Remove<TKey, TValue>(ConcurrentDictionary<TKey, TValue> limits, TValue limit)
        where TKey : notnull
        where TValue : class
    {
        foreach (var pair in limits)
        {
            if (ReferenceEquals(pair.Value, limit))
            {
                limits.TryRemove(pair);
                return;
            }
        }
    }

    /// <summary>Clients tracked under every per-client limit of this silo, and how often that capacity was full.</summary>
    public ClientCapacity ClientCapacity => _capacity;

    // A burst of new clients wakes the renewer once, not once each.
    private void WakeOnce()
    {
        if (RenewalWanted.CurrentCount == 0)
        {
            RenewalWanted.Release();
        }
    }

    public void Dispose() => RenewalWanted.Dispose();
}

using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.LoadBalancing;

/// <summary>
/// The destinations of one backend as the forwarder needs them (URI prefixes built once, for HTTP and HTTPS),
/// which of them take new requests (the healthy ones; all of them when none is, rather than none), this silo's
/// requests in flight to each, and the choice of one by policy. Immutable but for the counters; thread-safe.
/// A new pool is built when the endpoints or their health change.
/// </summary>
public sealed class BackendPool
{
    private readonly string[] _http;
    private readonly string[] _https;
    private readonly string[] _addresses;
    private readonly string[] _affinityIds;
    private readonly int[] _candidates;
    private readonly int[] _inFlight;
    private readonly Lazy<HashRing> _ring;
    private int _cursor = -1;

    public BackendPool(BackendEndpoints endpoints, IReadOnlySet<string>? ejected = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        Ejected = ejected ?? new HashSet<string>();
        var destinations = endpoints.Destinations;
        _http = [.. destinations.Select(d => d.ToUriPrefix("http"))];
        _https = [.. destinations.Select(d => d.ToUriPrefix("https"))];
        _addresses = [.. destinations.Select(d => d.ToString())];
        _affinityIds = [.. _addresses.Select(a => FleetHash.Of(a).ToString("x16", System.Globalization.CultureInfo.InvariantCulture))];
        _inFlight = new int[_http.Length];
        var healthy = Enumerable.Range(0, _http.Length).Where(i => !Ejected.Contains(_addresses[i])).ToArray();
        Panic = healthy.Length == 0 && _http.Length > 0;
        _candidates = Panic ? [.. Enumerable.Range(0, _http.Length)] : healthy;
        _ring = new Lazy<HashRing>(() => new HashRing(_addresses, _candidates));
    }

    public BackendEndpoints Endpoints { get; }

    /// <summary>Destinations (<c>ip:port</c>) that take no new requests.</summary>
    public IReadOnlySet<string> Ejected { get; }

    /// <summary>Every destination is ejected, so all of them are used: failing requests beat refusing every request.</summary>
    public bool Panic { get; }

    public int Count => _http.Length;

    /// <summary>Picks a destination by <paramref name="policy"/>; <paramref name="keyHash"/> is the key for consistent hashing.</summary>
    /// <returns>The destination's index, or -1 when there is none.</returns>
    public int Pick(LoadBalancingPolicy policy, ulong? keyHash = null)
    {
        var candidates = _candidates;
        switch (candidates.Length)
        {
            case 0:
                return -1;
            case 1:
                return candidates[0];
        }

        switch (policy)
        {
            case LoadBalancingPolicy.RoundRobin:
                return candidates[(int)((uint)Interlocked.Increment(ref _cursor) % (uint)candidates.Length)];
            case LoadBalancingPolicy.Random:
                return candidates[Random.Shared.Next(candidates.Length)];
            case LoadBalancingPolicy.LeastRequests:
            {
                // Start the scan at a rotating offset, so ties do not all go to the first destination.
                var start = (int)((uint)Interlocked.Increment(ref _cursor) % (uint)candidates.Length);
                var best = candidates[start];
                for (var i = 1; i < candidates.Length; i++)
                {
                    var c = candidates[(start + i) % candidates.Length];
                    if (Volatile.Read(ref _inFlight[c]) < Volatile.Read(ref _inFlight[best]))
                    {
                        best = c;
                    }
                }

                return best;
            }

            case LoadBalancingPolicy.ConsistentHash when keyHash is { } hash:
                return _ring.Value.Owner(hash);
            default:
            {
                var a = Random.Shared.Next(candidates.Length);
                var b = Random.Shared.Next(candidates.Length - 1);
                if (b >= a)
                {
                    b++;
                }

                var (x, y) = (candidates[a], candidates[b]);
                return Volatile.Read(ref _inFlight[x]) <= Volatile.Read(ref _inFlight[y]) ? x : y;
            }
        }
    }

    /// <summary>The destination an affinity cookie names, if it still takes requests; else -1.</summary>
    public int FindAffinity(ReadOnlySpan<char> id)
    {
        foreach (var c in _candidates)
        {
            if (id.SequenceEqual(_affinityIds[c]))
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>The affinity cookie value of a destination: a hash of its address, so every silo reads it alike.</summary>
    public string AffinityId(int index) => _affinityIds[index];

    public string Address(int index) => _addresses[index];

    public string Prefix(int index, bool tls) => tls ? _https[index] : _http[index];

    public int InFlight(int index) => Volatile.Read(ref _inFlight[index]);

    public void Started(int index) => Interlocked.Increment(ref _inFlight[index]);

    public void Ended(int index) => Interlocked.Decrement(ref _inFlight[index]);
}

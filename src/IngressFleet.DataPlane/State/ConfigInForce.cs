using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.DataPlane.LoadBalancing;
using IngressFleet.DataPlane.Tls;

namespace IngressFleet.DataPlane.State;

/// <summary>
/// The proxy's current state. Requests read <see cref="Current"/> once and use only that object, so a
/// request sees one version or the next, never a mix; applying builds the next state aside and swaps it
/// in with one reference write. Appliers must be serialised by the caller.
/// </summary>
public sealed class ConfigInForce
{
    private readonly TimeProvider _time;
    private readonly TlsSettings _tls;
    private readonly Lock _writeGate = new();
    private volatile AppliedConfig _current;
    private long _routeTablesBuiltForChanges;

    private System.Collections.Immutable.ImmutableArray<(long Version, DateTimeOffset At)> _recentlyApplied = [];

    public ConfigInForce(TimeProvider time)
        : this(time, TlsSettings.SelfSignedOnly(time))
    {
    }

    internal ConfigInForce(TimeProvider time, TlsSettings tls)
    {
        _time = time;
        _tls = tls;
        _current = new AppliedConfig(RoutingConfig.Empty, RouteTable.Empty, new Dictionary<string, BackendPool>(StringComparer.Ordinal), DateTimeOffset.MinValue)
        {
            Certificates = CertificateTable.Empty(tls.SelfSigned),
        };
    }

    public AppliedConfig Current => _current;

    /// <summary>The versions applied lately, oldest first, with when (at most 16), for the fleet's version timeline.</summary>
    public System.Collections.Immutable.ImmutableArray<(long Version, DateTimeOffset At)> RecentlyApplied => _recentlyApplied;

    /// <summary>
    /// How many route tables were built for changes that touched routes (whole snapshots not counted): an
    /// endpoint-only change must leave it as it was.
    /// </summary>
    public long RouteTablesBuiltForChanges => Interlocked.Read(ref _routeTablesBuiltForChanges);

    /// <summary>Makes <paramref name="config"/> the served version.</summary>
    /// <param name="config">The new config.</param>
    /// <param name="change">The change that produced it from the current version, if known: only the hosts of
    /// the changed Ingresses are rebuilt, and when only backends changed, the route table is kept.</param>
    public void Apply(RoutingConfig config, ConfigChange? change)
    {
        ArgumentNullException.ThrowIfNull(config);
        lock (_writeGate)
        {
            var previous = _current;
            if (change is { TouchesOnlyBackends: false })
            {
                Interlocked.Increment(ref _routeTablesBuiltForChanges);
            }

            var routes = change switch
            {
                { TouchesOnlyBackends: true } => previous.Routes,
                not null => RouteTableBuilder.Update(
                    previous.Routes,
                    previous.Config.Ingresses,
                    config.Ingresses,
                    change.Ingresses.Select(i => i.Key).Concat(change.RemovedIngresses)),
                null => RouteTableBuilder.Build(config.Ingresses.Values),
            };
            var certificates = change is not null && !change.TouchesTls(previous.Config.Ingresses)
                ? previous.Certificates
                : CertificateTable.Build(config, previous.Certificates, _tls.SelfSigned, _tls.DefaultSecret);
            var pools = change is null ? Pools(config, previous.Backends, previous.Health, previous.Health) : Pools(previous.Backends, previous.Health, change);
            _current = new AppliedConfig(config, routes, pools, _time.GetUtcNow())
            {
                Certificates = certificates,
                Health = previous.Health,
            };
            if (config.Version != previous.Version)
            {
                var applied = (config.Version, _current.AppliedAt);
                _recentlyApplied = _recentlyApplied.Length < 16 ? _recentlyApplied.Add(applied) : _recentlyApplied.RemoveAt(0).Add(applied);
            }
        }
    }

    /// <summary>Makes <paramref name="health"/> the fleet health view: backends whose health changed get new pools.</summary>
    public void ApplyHealth(HealthSnapshot health)
    {
        ArgumentNullException.ThrowIfNull(health);
        lock (_writeGate)
        {
            var previous = _current;
            _current = previous with
            {
                Backends = Pools(previous.Config, previous.Backends, previous.Health, health),
                Health = health,
            };
        }
    }

    /// <summary>
    /// The pools after <paramref name="change"/>, health unchanged: only the backends it sets or removes get new
    /// pools (the others keep theirs, with their balancing state); a change that touches no backend keeps the
    /// whole dictionary.
    /// </summary>
    private static IReadOnlyDictionary<string, BackendPool> Pools(IReadOnlyDictionary<string, BackendPool> previous, HealthSnapshot health, ConfigChange change)
    {
        if (change.Backends.IsEmpty && change.RemovedBackends.IsEmpty)
        {
            return previous;
        }

        var pools = new Dictionary<string, BackendPool>(previous, StringComparer.Ordinal);
        foreach (var key in change.RemovedBackends)
        {
            pools.Remove(key);
        }

        foreach (var endpoints in change.Backends)
        {
            if (!previous.TryGetValue(endpoints.Key, out var pool) || !pool.Endpoints.Equals(endpoints))
            {
                pools[endpoints.Key] = NewPool(endpoints, health.Backends.GetValueOrDefault(endpoints.Key));
            }
        }

        return pools;
    }

    /// <summary>
    /// A pool per backend; an unchanged backend with unchanged health keeps its pool, and with it its
    /// balancing state and in-flight counts.
    /// </summary>
    private static Dictionary<string, BackendPool> Pools(RoutingConfig config, IReadOnlyDictionary<string, BackendPool> previous, HealthSnapshot before, HealthSnapshot after)
    {
        var pools = new Dictionary<string, BackendPool>(config.Backends.Count, StringComparer.Ordinal);
        foreach (var (key, endpoints) in config.Backends)
        {
            var health = after.Backends.GetValueOrDefault(key);
            pools[key] = previous.TryGetValue(key, out var pool) && pool.Endpoints.Equals(endpoints) && Equals(before.Backends.GetValueOrDefault(key), health)
                ? pool
                : NewPool(endpoints, health);
        }

        return pools;
    }

    private static BackendPool NewPool(BackendEndpoints endpoints, BackendHealth? health) =>
        new(endpoints, health?.Ejected.Select(e => e.Destination).ToHashSet(StringComparer.Ordinal));
}

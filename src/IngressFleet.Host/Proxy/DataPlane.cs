using IngressFleet.Model;
using IngressFleet.Routing;

namespace IngressFleet.Proxy;

/// <summary>One applied config version as the request path reads it: config, route table and backend pools, always from the same version.</summary>
public sealed record DataPlaneState(
    RoutingConfig Config,
    RouteTable Routes,
    IReadOnlyDictionary<string, BackendPool> Backends,
    DateTimeOffset AppliedAt)
{
    public static DataPlaneState Empty { get; } = new(
        RoutingConfig.Empty, RouteTable.Empty, new Dictionary<string, BackendPool>(StringComparer.Ordinal), DateTimeOffset.MinValue);

    public long Version => Config.Version;
}

/// <summary>
/// The proxy's current state. Requests read <see cref="Current"/> once and use only that object, so a
/// request sees one version or the next, never a mix; applying builds the next state aside and swaps it
/// in with one reference write. Appliers must be serialised by the caller.
/// </summary>
public sealed class DataPlane(TimeProvider timeProvider)
{
    private volatile DataPlaneState _current = DataPlaneState.Empty;

    public DataPlaneState Current => _current;

    /// <summary>Makes <paramref name="config"/> the served version.</summary>
    /// <param name="config">The new config.</param>
    /// <param name="change">The change that produced it from the current version, if known: only the hosts of
    /// the changed Ingresses are rebuilt, and when only backends changed, the route table is kept.</param>
    public void Apply(RoutingConfig config, ConfigChange? change)
    {
        ArgumentNullException.ThrowIfNull(config);
        var previous = _current;
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
        var pools = new Dictionary<string, BackendPool>(config.Backends.Count, StringComparer.Ordinal);
        foreach (var (key, endpoints) in config.Backends)
        {
            // An unchanged backend keeps its pool, and with it its round-robin position.
            pools[key] = previous.Backends.TryGetValue(key, out var pool) && pool.Endpoints.Equals(endpoints)
                ? pool
                : new BackendPool(endpoints);
        }

        _current = new DataPlaneState(config, routes, pools, timeProvider.GetUtcNow());
    }
}

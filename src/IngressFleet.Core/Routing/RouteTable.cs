using System.Collections.Immutable;
using IngressFleet.Model;

namespace IngressFleet.Routing;

/// <summary>
/// The immutable route table a proxy serves from: hosts to path indexes, built from every Ingress's
/// routes with the Ingress v1 rules. Thread-safe for any number of readers; replaced whole on change.
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, PathIndex> _exactHosts;
    private readonly Dictionary<string, PathIndex>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly Dictionary<string, PathIndex> _wildcardHosts;
    private readonly Dictionary<string, PathIndex>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly PathIndex? _anyHost;

    internal RouteTable(
        Dictionary<string, PathIndex> exactHosts,
        Dictionary<string, PathIndex> wildcardHosts,
        PathIndex? anyHost,
        RouteEntry? defaultBackend,
        ImmutableArray<RouteEntry> entries,
        ImmutableArray<RouteConflict> conflicts)
    {
        _exactHosts = exactHosts;
        _exactLookup = exactHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardHosts = wildcardHosts;
        _wildcardLookup = wildcardHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = anyHost;
        DefaultBackend = defaultBackend;
        Entries = entries;
        Conflicts = conflicts;
    }

    public static RouteTable Empty { get; } = RouteTableBuilder.Build([]);

    /// <summary>The default backend in force: that of the oldest Ingress that sets one.</summary>
    public RouteEntry? DefaultBackend { get; }

    /// <summary>Every entry in force, sorted by host, path and type.</summary>
    public ImmutableArray<RouteEntry> Entries { get; }

    /// <summary>Rules that lost to an older Ingress.</summary>
    public ImmutableArray<RouteConflict> Conflicts { get; }

    /// <summary>
    /// The route for a request, or null for 404. The host chooses one group of rules (exact host, else
    /// wildcard, else rules without host) and the path is matched within that group only; when no path
    /// matches, the default backend answers.
    /// </summary>
    /// <param name="hostHeader">The Host header as received (any case, may carry a port).</param>
    /// <param name="path">The request path, without query string.</param>
    public RouteEntry? Match(ReadOnlySpan<char> hostHeader, ReadOnlySpan<char> path)
    {
        var host = HostName.WithoutPort(hostHeader);
        PathIndex? index = null;
        if (_exactHosts.Count > 0)
        {
            _exactLookup.TryGetValue(host, out index);
        }

        if (index is null && _wildcardHosts.Count > 0)
        {
            var suffix = HostName.WildcardSuffix(host);
            if (!suffix.IsEmpty)
            {
                _wildcardLookup.TryGetValue(suffix, out index);
            }
        }

        index ??= _anyHost;
        return index?.Match(path.IsEmpty ? "/" : path) ?? DefaultBackend;
    }
}

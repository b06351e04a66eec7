using System.Collections.Immutable;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// The immutable route table a proxy serves from: hosts to path indexes, merged from every Ingress with the
/// Ingress v1 rules. Thread-safe for any number of readers; a change builds a new table that shares every
/// host the change did not touch.
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, HostGroup>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly Dictionary<string, HostGroup>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly Dictionary<string, HostAlias> _aliases;
    private readonly Dictionary<string, HostAlias>.AlternateLookup<ReadOnlySpan<char>> _aliasLookup;
    private readonly Lazy<ImmutableArray<RouteEntry>> _entries;
    private readonly Lazy<ImmutableArray<RouteConflict>> _conflicts;
    private readonly RouteEntry? _globalDefault;

    internal RouteTable(
        Dictionary<string, HostGroup> exactHosts,
        Dictionary<string, HostGroup> wildcardHosts,
        HostGroup? anyHost,
        ImmutableDictionary<string, IngressRoutes> defaultBackendCandidates,
        ImmutableDictionary<string, IngressRoutes> aliasCandidates)
    {
        ExactHosts = exactHosts;
        WildcardHosts = wildcardHosts;
        AnyHost = anyHost;
        DefaultBackendCandidates = defaultBackendCandidates;
        AliasCandidates = aliasCandidates;
        _aliases = HostAlias.For(exactHosts, aliasCandidates.Values);
        _aliasLookup = _aliases.GetAlternateLookup<ReadOnlySpan<char>>();
        _exactLookup = exactHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = wildcardHosts.GetAlternateLookup<ReadOnlySpan<char>>();

        // Oldest first, as everywhere: the same input gives the same winner on every silo.
        var ordered = defaultBackendCandidates.Values.OrderBy(i => i, IngressAge.Instance).ToList();
        DefaultBackend = ordered.Count == 0 ? null : new RouteEntry(null, string.Empty, PathMatch.Prefix, ordered[0].DefaultBackend!, ordered[0].Key) { Options = ordered[0].Options };
        _globalDefault = ordered.LastOrDefault() is { IsGlobalDefault: true } global
            ? new RouteEntry(null, string.Empty, PathMatch.Prefix, global.DefaultBackend!, global.Key) { Options = global.Options }
            : null;
        var defaultConflicts = ordered.Skip(1).Where(i => !i.IsGlobalDefault)
            .Select(i => new RouteConflict("*", string.Empty, PathMatch.Prefix, ordered[0].Key, i.Key))
            .ToImmutableArray();

        _entries = new Lazy<ImmutableArray<RouteEntry>>(() => [.. Groups.SelectMany(g => g.Entries)
            .OrderBy(e => e.Host ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(e => e.Path, StringComparer.Ordinal)
            .ThenBy(e => e.Match)]);
        _conflicts = new Lazy<ImmutableArray<RouteConflict>>(() => [.. Groups
            .OrderBy(g => g.Host, StringComparer.Ordinal)
            .SelectMany(g => g.Conflicts)
            .Concat(defaultConflicts)]);
    }

    public static RouteTable Empty { get; } = new([], [], null, ImmutableDictionary<string, IngressRoutes>.Empty, ImmutableDictionary<string, IngressRoutes>.Empty);

    /// <summary>
    /// The cluster-wide catch-all: the <c>spec.defaultBackend</c> of the oldest Ingress that sets one, else the global
    /// default backend. It answers hosts that no rule names; a host that a rule names answers its path misses with
    /// its own Ingresses' default backend, else the global default backend (as ingress-nginx), else 404.
    /// </summary>
    public RouteEntry? DefaultBackend { get; }

    /// <summary>Every entry in force, sorted by host, path and type (computed on first use).</summary>
    public ImmutableArray<RouteEntry> Entries => _entries.Value;

    /// <summary>Rules that lost to an older Ingress (computed on first use).</summary>
    public ImmutableArray<RouteConflict> Conflicts => _conflicts.Value;

    internal Dictionary<string, HostGroup> ExactHosts { get; }

    internal Dictionary<string, HostGroup> WildcardHosts { get; }

    internal HostGroup? AnyHost { get; }

    internal ImmutableDictionary<string, IngressRoutes> DefaultBackendCandidates { get; }

    /// <summary>The Ingresses that give their hosts more names (<c>server-alias</c>, <c>from-to-www-redirect</c>).</summary>
    internal ImmutableDictionary<string, IngressRoutes> AliasCandidates { get; }

    /// <summary>The names aliases add, with the host each stands for (for the admin API).</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases.ToDictionary(a => a.Key, a => a.Value.Host, StringComparer.OrdinalIgnoreCase);

    private IEnumerable<HostGroup> Groups =>
        ExactHosts.Values.Concat(WildcardHosts.Values).Concat(AnyHost is null ? [] : [AnyHost]);

    /// <summary>
    /// The route for a request, or null for 404. The host chooses one group of rules (exact host or alias, else
    /// wildcard, else rules without host) and the path is matched within that group only. A path miss is
    /// answered by the group's own default backend; the cluster-wide one answers only hosts that no rule names.
    /// </summary>
    /// <param name="hostHeader">The Host header as received (any case, may carry a port).</param>
    /// <param name="path">The request path, without query string.</param>
    public RouteEntry? Match(ReadOnlySpan<char> hostHeader, ReadOnlySpan<char> path)
    {
        var host = HostName.WithoutPort(hostHeader);
        HostGroup? group = null;
        if (ExactHosts.Count > 0)
        {
            _exactLookup.TryGetValue(host, out group);
        }

        if (group is null && _aliases.Count > 0 && _aliasLookup.TryGetValue(host, out var alias))
        {
            if (alias.Redirect is { } redirect)
            {
                return redirect;
            }

            group = alias.Group;
        }

        if (group is null && WildcardHosts.Count > 0)
        {
            var suffix = HostName.WildcardSuffix(host);
            if (!suffix.IsEmpty)
            {
                _wildcardLookup.TryGetValue(suffix, out group);
            }
        }

        if (group is null)
        {
            return AnyHost?.Match(path.IsEmpty ? "/" : path) ?? AnyHost?.DefaultBackend ?? DefaultBackend;
        }

        return group.Match(path.IsEmpty ? "/" : path) ?? group.DefaultBackend ?? _globalDefault;
    }
}

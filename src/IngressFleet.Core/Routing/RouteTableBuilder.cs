using System.Collections.Immutable;
using IngressFleet.Model;

namespace IngressFleet.Routing;

/// <summary>
/// Merges the routes of every Ingress into one <see cref="RouteTable"/>. Pure and deterministic:
/// Ingresses are taken oldest first (creation time, then namespace/name), so the same input gives the
/// same table and the same conflicts on every silo, whatever order it arrived in.
/// </summary>
public static class RouteTableBuilder
{
    public static RouteTable Build(IEnumerable<IngressRoutes> ingresses)
    {
        ArgumentNullException.ThrowIfNull(ingresses);
        var exactHosts = new Dictionary<string, PathIndex>(StringComparer.OrdinalIgnoreCase);
        var wildcardHosts = new Dictionary<string, PathIndex>(StringComparer.OrdinalIgnoreCase);
        PathIndex? anyHost = null;
        RouteEntry? defaultBackend = null;
        var entries = new List<RouteEntry>();
        var conflicts = new List<RouteConflict>();

        var ordered = ingresses
            .OrderBy(i => i.CreatedAt)
            .ThenBy(i => i.Namespace, StringComparer.Ordinal)
            .ThenBy(i => i.Name, StringComparer.Ordinal);
        foreach (var ingress in ordered)
        {
            var key = ingress.Key;
            foreach (var rule in ingress.Rules)
            {
                var entry = new RouteEntry(rule.Host, rule.Path, rule.Match, rule.Backend, key);
                var index = rule.Host switch
                {
                    null => anyHost ??= new PathIndex(),
                    _ when rule.Host.StartsWith("*.", StringComparison.Ordinal) => GetOrAdd(wildcardHosts, rule.Host[2..]),
                    _ => GetOrAdd(exactHosts, rule.Host),
                };
                if (index.AddOrGetExisting(entry) is { } winner)
                {
                    conflicts.Add(new RouteConflict(rule.Host ?? "*", rule.Path, rule.Match, winner.Ingress, key));
                }
                else
                {
                    entries.Add(entry);
                }
            }

            if (ingress.DefaultBackend is { } backend)
            {
                if (defaultBackend is null)
                {
                    defaultBackend = new RouteEntry(null, string.Empty, PathMatch.Prefix, backend, key);
                }
                else
                {
                    conflicts.Add(new RouteConflict("*", string.Empty, PathMatch.Prefix, defaultBackend.Ingress, key));
                }
            }
        }

        var sorted = entries
            .OrderBy(e => e.Host ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(e => e.Path, StringComparer.Ordinal)
            .ThenBy(e => e.Match)
            .ToImmutableArray();
        return new RouteTable(exactHosts, wildcardHosts, anyHost, defaultBackend, sorted, [.. conflicts]);
    }

    private static PathIndex GetOrAdd(Dictionary<string, PathIndex> hosts, string host)
    {
        if (!hosts.TryGetValue(host, out var index))
        {
            hosts[host] = index = new PathIndex();
        }

        return index;
    }
}

using System.Collections.Frozen;
using System.Collections.Immutable;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// Merges the routes of every Ingress into a <see cref="RouteTable"/>. Pure and deterministic: within a host,
/// Ingresses are taken oldest first (creation time, then namespace/name), so the same input gives the same
/// table and the same conflicts on every silo, whatever order it arrived in. A change rebuilds only the hosts
/// that the changed Ingresses had or have; conflicts can only arise within one host, so this gives the same
/// table as a full build.
/// </summary>
public static class RouteTableBuilder
{
    public static RouteTable Build(IEnumerable<IngressRoutes> ingresses)
    {
        ArgumentNullException.ThrowIfNull(ingresses);
        var all = ingresses.ToImmutableDictionary(i => i.Key, StringComparer.Ordinal);
        return Update(RouteTable.Empty, ImmutableDictionary<string, IngressRoutes>.Empty, all, all.Keys);
    }

    /// <summary>The table for <paramref name="after"/>, from the table for <paramref name="before"/>.</summary>
    /// <param name="previous">The table built from <paramref name="before"/>.</param>
    /// <param name="before">Every Ingress's routes that <paramref name="previous"/> was built from.</param>
    /// <param name="after">Every Ingress's routes now.</param>
    /// <param name="changed">The keys of the Ingresses that differ between the two (added, changed or removed).</param>
    public static RouteTable Update(
        RouteTable previous,
        IReadOnlyDictionary<string, IngressRoutes> before,
        IReadOnlyDictionary<string, IngressRoutes> after,
        IEnumerable<string> changed)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(changed);

        // Which Ingresses each touched host has now: its members before, minus the changed ones that left it,
        // plus the changed ones that are in it now.
        var members = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var defaults = previous.DefaultBackendCandidates.ToBuilder();
        var aliases = previous.AliasCandidates.ToBuilder();
        foreach (var key in changed)
        {
            var old = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            foreach (var host in HostsOf(old))
            {
                Members(members, previous, host).Remove(key);
            }

            foreach (var host in HostsOf(now))
            {
                Members(members, previous, host).Add(key);
            }

            if (now is { DefaultBackend: not null, Options.Canary: null })
            {
                defaults[key] = now;
            }
            else
            {
                defaults.Remove(key);
            }

            if (now is { Options.Canary: null } and ({ Options.ServerAlias: not null } or { Options.FromToWwwRedirect: true }))
            {
                aliases[key] = now;
            }
            else
            {
                aliases.Remove(key);
            }
        }

        var exact = new Dictionary<string, HostGroup>(previous.ExactHosts, StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, HostGroup>(previous.WildcardHosts, StringComparer.OrdinalIgnoreCase);
        var anyHost = previous.AnyHost;
        var rulesByHost = new Dictionary<string, ILookup<string, RouteRule>>(StringComparer.Ordinal);
        foreach (var (host, ingresses) in members)
        {
            var group = ingresses.Count == 0 ? null : BuildGroup(host, ingresses, after, rulesByHost);
            if (host.Length == 0)
            {
                anyHost = group;
            }
            else
            {
                var (table, key) = host.StartsWith("*.", StringComparison.Ordinal) ? (wildcard, host[2..]) : (exact, host);
                if (group is null)
                {
                    table.Remove(key);
                }
                else
                {
                    table[key] = group;
                }
            }
        }

        return new RouteTable(exact, wildcard, anyHost, defaults.ToImmutable(), aliases.ToImmutable());
    }

    private static IEnumerable<string> HostsOf(IngressRoutes? ingress) =>
        ingress is null ? [] : ingress.Rules.Select(r => r.Host ?? string.Empty).Distinct(StringComparer.OrdinalIgnoreCase);

    private static HashSet<string> Members(Dictionary<string, HashSet<string>> members, RouteTable previous, string host)
    {
        if (!members.TryGetValue(host, out var set))
        {
            var existing = host.Length == 0 ? previous.AnyHost
                : host.StartsWith("*.", StringComparison.Ordinal) ? previous.WildcardHosts.GetValueOrDefault(host[2..])
                : previous.ExactHosts.GetValueOrDefault(host);
            members[host] = set = existing is null ? new(StringComparer.Ordinal) : new(existing.Ingresses, StringComparer.Ordinal);
        }

        return set;
    }

    /// <param name="rulesByHost">Each Ingress's rules by host, filled on first use: an Ingress with rules for many
    /// hosts is grouped once, not scanned once per host.</param>
    private static HostGroup BuildGroup(
        string host,
        HashSet<string> ingresses,
        IReadOnlyDictionary<string, IngressRoutes> all,
        Dictionary<string, ILookup<string, RouteRule>> rulesByHost)
    {
        var index = new PathIndex();
        var entries = new List<RouteEntry>();
        var conflicts = new List<RouteConflict>();
        var regex = false;
        RouteEntry? hostDefault = null;
        var members = ingresses.Select(k => all[k]).OrderBy(i => i, IngressAge.Instance).ToList();

        // Canaries first: they do not compete for a path, they wait for the main route of their path to take them.
        var canaries = new Dictionary<(string Path, PathMatch Match), (IngressRoutes Ingress, RouteRule Rule)>();
        foreach (var canary in members.Where(i => i.Options.Canary is not null))
        {
            foreach (var rule in RulesOf(canary, host, rulesByHost))
            {
                if (!canaries.TryAdd((rule.Path, rule.Match), (canary, rule)))
                {
                    conflicts.Add(new RouteConflict(rule.Host ?? "*", rule.Path, rule.Match, canaries[(rule.Path, rule.Match)].Ingress.Key, canary.Key));
                }
            }
        }

        foreach (var ingress in members.Where(i => i.Options.Canary is null))
        {
            regex |= ingress.Options.UseRegex;
            var hostName = host.Length == 0 ? null : host;
            if (hostDefault is null && ingress.DefaultBackend is { } fallback)
            {
                hostDefault = Entry(ingress, hostName, string.Empty, PathMatch.Prefix, fallback, rewrites: false);
            }

            foreach (var rule in RulesOf(ingress, host, rulesByHost))
            {
                var entry = Entry(ingress, rule.Host, rule.Path, rule.Match, rule.Backend, rewrites: true);
                if (canaries.Remove((rule.Path, rule.Match), out var canary))
                {
                    var canaryEntry = new RouteEntry(rule.Host, rule.Path, rule.Match, canary.Rule.Backend, canary.Ingress.Key)
                    {
                        Options = entry.Options,
                        RedirectToHttps = entry.RedirectToHttps,
                        Rewrite = entry.Rewrite,
                        ErrorCodes = entry.ErrorCodes,
                    };
                    entry = entry with { Canary = new CanaryRoute(canary.Ingress.Options.Canary!, canaryEntry) };
                }

                // ingress-nginx's rule: a regular expression or a rewrite on one path makes every path of the host one.
                regex |= entry.Rewrite is not null;
                if (index.AddOrGetExisting(entry) is { } winner)
                {
                    conflicts.Add(new RouteConflict(rule.Host ?? "*", rule.Path, rule.Match, winner.Ingress, ingress.Key));
                }
                else
                {
                    entries.Add(entry);
                }
            }
        }

        // A canary whose path no main Ingress serves has nothing to split: it serves nothing, and says so.
        conflicts.AddRange(canaries.Values.Select(c => new RouteConflict(c.Rule.Host ?? "*", c.Rule.Path, c.Rule.Match, string.Empty, c.Ingress.Key)));

        return new HostGroup(
            host,
            index,
            [.. entries.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Match)],
            [.. conflicts],
            [.. ingresses])
        {
            // nginx tries regular-expression locations in the order ingress-nginx writes them: longest path first,
            // then the greater path first.
            Regexes = regex
                ? [.. entries.OrderByDescending(e => e.Path.Length).ThenByDescending(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Match)
                    .Select(e => (SafeRegex.Location(e.Path), e))]
                : [],
            DefaultBackend = hostDefault,
        };
    }

    private static IEnumerable<RouteRule> RulesOf(IngressRoutes ingress, string host, Dictionary<string, ILookup<string, RouteRule>> rulesByHost)
    {
        if (!rulesByHost.TryGetValue(ingress.Key, out var rules))
        {
            rulesByHost[ingress.Key] = rules = ingress.Rules.ToLookup(r => r.Host ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        }

        return rules[host];
    }

    private static RouteEntry Entry(IngressRoutes ingress, string? host, string path, PathMatch match, BackendRef backend, bool rewrites) =>
        new(host, path, match, backend, ingress.Key)
        {
            Options = ingress.Options,
            RedirectToHttps = ingress.Options.ForceSslRedirect || (ingress.Options.SslRedirect && ingress.HasTlsFor(host)),
            // A target equal to the path rewrites nothing, and then ingress-nginx writes no rewrite at all.
            Rewrite = rewrites && ingress.Options.RewriteTarget is { } target && target != path ? new PathRewrite(path, target, ingress.Options.ForwardedPrefix) : null,
            ErrorCodes = ErrorCodesOf(ingress.Options),
        };

    /// <summary>Parsed once per config version, not per request; without an error backend, none.</summary>
    private static System.Collections.Frozen.FrozenSet<int> ErrorCodesOf(IngressOptions options) =>
        options is { ErrorBackend: not null, CustomHttpErrors: { } codes }
            ? codes.Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToFrozenSet()
            : System.Collections.Frozen.FrozenSet<int>.Empty;
}

using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace IngressFleet.Core.Routing;

/// <summary>
/// The rules of one host (exact, <c>*.suffix</c>, or none for "any host") from every Ingress, merged: the
/// path index a request is matched against, plus what the admin API lists. Immutable.
/// </summary>
/// <param name="Host">The rule host as written (<c>foo.com</c>, <c>*.foo.com</c>), empty for rules without host.</param>
/// <param name="Index">The paths of this host.</param>
/// <param name="Entries">The entries in force, sorted by path and type.</param>
/// <param name="Conflicts">Rules that lost to an older Ingress.</param>
/// <param name="Ingresses">The Ingresses (<c>namespace/name</c>) that have rules for this host.</param>
internal sealed record HostGroup(
    string Host,
    PathIndex Index,
    ImmutableArray<RouteEntry> Entries,
    ImmutableArray<RouteConflict> Conflicts,
    ImmutableHashSet<string> Ingresses)
{
    /// <summary>
    /// When one of the host's Ingresses asks for regular expressions (<c>use-regex</c> or <c>rewrite-target</c>), every
    /// path of the host, in ingress-nginx's order (longest first); the first that matches wins. Empty otherwise, and
    /// then <see cref="Index"/> alone decides.
    /// </summary>
    public ImmutableArray<(Regex Pattern, RouteEntry Entry)> Regexes { get; init; } = [];

    /// <summary>What answers a path no rule of this host matches: the oldest of its Ingresses' <c>spec.defaultBackend</c>, if any.</summary>
    public RouteEntry? DefaultBackend { get; init; }

    /// <summary>The entry for <paramref name="path"/>, or null when no path of this host matches.</summary>
    public RouteEntry? Match(ReadOnlySpan<char> path)
    {
        if (Regexes.IsEmpty)
        {
            return Index.Match(path);
        }

        foreach (var (pattern, entry) in Regexes)
        {
            if (SafeRegex.IsMatch(pattern, path))
            {
                return entry;
            }
        }

        return null;
    }
}

using System.Collections.Immutable;

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
    ImmutableHashSet<string> Ingresses);

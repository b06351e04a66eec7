using System.Net;
using IngressFleet.Core.AddressPolicy;

namespace IngressFleet.Core.Model;

/// <summary>
/// Which client addresses an Ingress admits (ingress-nginx's <c>allowlist-source-range</c> and
/// <c>denylist-source-range</c>): a client inside <see cref="Deny"/> is refused, deny winning; when
/// <see cref="Allow"/> is set, a client outside it is refused too. Both are canonical comma-separated CIDR
/// lists (empty: none), so two configs compare by value.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.SourceRanges")]
public sealed record SourceRanges(string Allow, string Deny)
{
    // Parsed once per config version, on first use by a request; a race parses twice, harmlessly.
    [NonSerialized]
    private IReadOnlyList<IPNetwork>? _allow;

    [NonSerialized]
    private IReadOnlyList<IPNetwork>? _deny;

    /// <summary>Whether a request from <paramref name="client"/> may proceed.</summary>
    public bool Admits(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var allow = _allow ??= CidrList.Parse(Allow);
        var deny = _deny ??= CidrList.Parse(Deny);
        return !CidrList.Contains(deny, client) && (allow.Count == 0 || CidrList.Contains(allow, client));
    }

    public bool Equals(SourceRanges? other) => other is not null && Allow == other.Allow && Deny == other.Deny;

    public override int GetHashCode() => HashCode.Combine(Allow, Deny);
}

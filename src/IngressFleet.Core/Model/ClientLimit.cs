using System.Net;
using IngressFleet.Core.AddressPolicy;

namespace IngressFleet.Core.Model;

/// <summary>
/// ingress-nginx's limits per client address (<c>limit-rps</c>, <c>limit-rpm</c>, <c>limit-connections</c>,
/// <c>limit-burst-multiplier</c>, <c>limit-allowlist</c>), counted for the whole fleet rather than per replica.
/// A zero limit is not applied. A client inside <see cref="Allowlist"/> (a canonical comma-separated CIDR list,
/// empty for none) is not limited at all, as in ingress-nginx.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientLimit")]
public sealed record ClientLimit(int RequestsPerSecond, int RequestsPerMinute, int Connections, int BurstMultiplier, string Allowlist)
{
    /// <summary>ingress-nginx's default <c>limit-burst-multiplier</c>.</summary>
    public const int DefaultBurstMultiplier = 5;

    // Parsed once per config version, on first use by a request; a race parses twice, harmlessly.
    [NonSerialized]
    private IReadOnlyList<IPNetwork>? _allowlist;

    /// <summary>
    /// Requests a client may send at once on top of the rate: nginx's <c>limit_req burst=rate×multiplier nodelay</c>
    /// admits that many beyond the one the rate allows, so a bucket holds one more.
    /// </summary>
    public static double BucketSize(int rate, int burstMultiplier) => (rate * (double)burstMultiplier) + 1;

    /// <summary>Whether <paramref name="client"/> is subject to the limits (not in the allowlist).</summary>
    public bool Applies(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Allowlist.Length == 0 || !CidrList.Contains(_allowlist ??= CidrList.Parse(Allowlist), client);
    }

    public bool Equals(ClientLimit? other) =>
        other is not null && RequestsPerSecond == other.RequestsPerSecond && RequestsPerMinute == other.RequestsPerMinute
        && Connections == other.Connections && BurstMultiplier == other.BurstMultiplier && Allowlist == other.Allowlist;

    public override int GetHashCode() => HashCode.Combine(RequestsPerSecond, RequestsPerMinute, Connections, BurstMultiplier, Allowlist);
}

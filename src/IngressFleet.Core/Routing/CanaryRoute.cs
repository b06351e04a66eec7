using System.Text.RegularExpressions;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// A canary attached to the main route of its host and path: when a request goes to <see cref="Entry"/> (the
/// canary's backend, with the main route's behaviour) instead of the main backend. The weighted split hashes a
/// stable client key, so one client stays on its side whichever silo the load balancer sends it to, and every
/// silo splits alike.
/// </summary>
public sealed class CanaryRoute
{
    private readonly Regex? _headerPattern;

    public CanaryRoute(CanaryPolicy policy, RouteEntry entry)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(entry);
        Policy = policy;
        Entry = entry;
        _headerPattern = policy.HeaderPattern is { } pattern ? SafeRegex.HeaderPattern(pattern) : null;
    }

    public CanaryPolicy Policy { get; }

    /// <summary>The route a chosen request takes: the canary Ingress's backend.</summary>
    public RouteEntry Entry { get; }

    /// <summary>Whether the request goes to the canary: by header, then cookie, then weight (ingress-nginx's order).</summary>
    /// <param name="header">The value of the policy's header, null when absent.</param>
    /// <param name="cookie">The value of the policy's cookie, null when absent.</param>
    /// <param name="clientHash">A <see cref="FleetHash"/> of the client's stable key (its address).</param>
    public bool Chooses(string? header, string? cookie, ulong clientHash)
    {
        if (Policy.Header is not null && header is not null)
        {
            if (Policy.HeaderValue is { } value)
            {
                if (header == value)
                {
                    return true;
                }
            }
            else if (_headerPattern is { } pattern)
            {
                if (SafeRegex.IsMatch(pattern, header))
                {
                    return true;
                }
            }
            else if (header == "always" || header == "never")
            {
                return header == "always";
            }
        }

        if (Policy.Cookie is not null && cookie is "always" or "never")
        {
            return cookie == "always";
        }

        return Policy.Weight > 0 && clientHash % (ulong)Policy.WeightTotal < (ulong)Policy.Weight;
    }
}

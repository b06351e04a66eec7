
namespace IngressFleet.Core.Model;

/// <summary>ingress-nginx's <c>auth-cache-duration</c>: statuses (or any) cached for a time, e.g. <c>200 202 401 5m</c>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.AuthCacheDuration")]
public sealed record AuthCacheDuration(string Statuses, TimeSpan Duration)
{
    /// <summary>ingress-nginx's default: <c>200 202 401 5m</c>.</summary>
    public static AuthCacheDuration Default { get; } = new("200 202 401", TimeSpan.FromMinutes(5));

    /// <summary>Whether an answer with <paramref name="status"/> is cached.</summary>
    public bool Covers(int status) =>
        Statuses.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => s == "any" || s == status.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

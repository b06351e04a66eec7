namespace IngressFleet.Core.Routing;

/// <summary>Host header handling for matching.</summary>
public static class HostName
{
    /// <summary>
    /// The host part of a Host header: without the <c>:port</c>, brackets kept for IPv6 literals, and
    /// without a trailing dot. Case is left alone: the host tables compare case-insensitively.
    /// </summary>
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            return close < 0 ? host : host[..(close + 1)];
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            host = host[..colon];
        }

        return host.EndsWith('.') ? host[..^1] : host;
    }

    /// <summary>
    /// The suffix a wildcard rule <c>*.suffix</c> must have to cover this host: everything after the first
    /// label, or empty when the host has a single label or an empty first label.
    /// </summary>
    public static ReadOnlySpan<char> WildcardSuffix(ReadOnlySpan<char> host)
    {
        var dot = host.IndexOf('.');
        return dot <= 0 || dot == host.Length - 1 ? default : host[(dot + 1)..];
    }

    /// <summary>
    /// True when the name <paramref name="pattern"/> (a host, or <c>*.suffix</c> covering exactly one label)
    /// covers <paramref name="host"/>; case-insensitive.
    /// </summary>
    public static bool Covers(string pattern, ReadOnlySpan<char> host)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.StartsWith("*.", StringComparison.Ordinal)
            ? WildcardSuffix(host).Equals(pattern.AsSpan(2), StringComparison.OrdinalIgnoreCase)
            : host.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }
}

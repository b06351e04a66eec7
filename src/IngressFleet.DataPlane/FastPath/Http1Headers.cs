using System.Collections.Frozen;
using IngressFleet.DataPlane.Proxy;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>Which headers the fast path does not copy, as YARP's forwarder does not (hop-by-hop and connection-specific ones).</summary>
internal static class Http1Headers
{
    /// <summary>YARP's list (<c>RequestUtilities</c>), for requests and responses alike.</summary>
    private static readonly string[] HopByHop =
    [
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate",
        "Proxy-Authentication-Info", "Proxy-Authorization", "Proxy-Features", "Proxy-Instruction", "Security-Scheme",
        "ALPN", "Close", "HTTP2-Settings", "Upgrade-Insecure-Requests", "TE", "Alt-Svc",
    ];

    /// <summary>Request headers not copied: hop-by-hop, <c>Host</c> (written first), and those <see cref="ForwardedValues"/> replaces.</summary>
    public static FrozenSet<string> NotCopiedToBackend { get; } =
        HopByHop.Concat(ForwardedValues.Replaced).Append("Host").ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Response headers not copied: hop-by-hop, and the backend's <c>X-Request-ID</c> (the request's own stands).</summary>
    public static FrozenSet<string> NotCopiedToClient { get; } =
        HopByHop.Append(RequestId.Header).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Response header names seen on most responses, so reading them allocates no string.</summary>
    public static FrozenSet<string> CommonNames { get; } = new[]
    {
        "Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Age", "Cache-Control", "Content-Disposition",
        "Content-Encoding", "Content-Language", "Content-Length", "Content-Location", "Content-Range", "Content-Security-Policy",
        "Content-Type", "Date", "ETag", "Expires", "Last-Modified", "Link", "Location", "Pragma", "Referrer-Policy",
        "Retry-After", "Server", "Set-Cookie", "Strict-Transport-Security", "Vary", "Via", "WWW-Authenticate",
        "X-Content-Type-Options", "X-Frame-Options", "X-Powered-By", "X-XSS-Protection", "traceparent",
    }.Concat(HopByHop).Append(RequestId.Header).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonByName = CommonNames.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The name as a string: the shared instance of a common one, else a new string.</summary>
    public static string Name(ReadOnlySpan<char> name) => CommonByName.TryGetValue(name, out var known) ? known : new string(name);
}

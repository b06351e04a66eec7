using System.Globalization;
using System.Text.RegularExpressions;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Translation.Annotations;

/// <summary>
/// The typed parsers of annotation values, each with explicit bounds. Digits are ASCII only, numbers have a
/// bounded number of digits and are computed in <see cref="decimal"/>, so no value can overflow, be NaN or
/// infinite, or reach a timer as an out-of-range argument.
/// </summary>
public static partial class AnnotationValues
{
    /// <summary>Longest header name read from an annotation.</summary>
    public const int MaxHeaderNameLength = 128;

    /// <summary>Longest cookie name read from an annotation (browsers take 4 KB for name and value together).</summary>
    public const int MaxCookieNameLength = 64;

    /// <summary>Longest path read from an annotation.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>Go's <c>strconv.ParseBool</c> spellings, which ingress-nginx accepts.</summary>
    public static ValueParser<bool> Flag { get; } = new(
        "must be \"true\" or \"false\"",
        v => v switch
        {
            "true" or "True" or "TRUE" or "t" or "T" or "1" => (true, true),
            "false" or "False" or "FALSE" or "f" or "F" or "0" => (true, false),
            _ => (false, false),
        });

    /// <summary>A Strict-Transport-Security value as RFC 6797 defines it: max-age, then includeSubDomains and preload; <c>off</c> (empty out) for none.</summary>
    public static ValueParser<string> Hsts { get; } = new(
        "must be \"off\" or a Strict-Transport-Security value such as \"max-age=31536000; includeSubDomains\" (max-age of at most 10 digits, then includeSubDomains and/or preload)",
        v => v == "off" ? (true, string.Empty) : HstsValue().IsMatch(v) ? (true, v) : (false, string.Empty));

    /// <summary>A duration: <c>500ms</c>, <c>5s</c>, <c>1.5m</c>, <c>1h</c>, or a number of seconds, within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static ValueParser<TimeSpan> Duration(TimeSpan minimum, TimeSpan maximum) => new(
        $"must be a duration between {Describe(minimum)} and {Describe(maximum)}, such as \"500ms\", \"5s\" or \"1m\"",
        v =>
        {
            var match = DurationValue().Match(v);
            if (!match.Success)
            {
                return (false, TimeSpan.Zero);
            }

            var amount = decimal.Parse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var ticks = amount * match.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => TimeSpan.TicksPerSecond,
            };
            return ticks >= minimum.Ticks && ticks <= maximum.Ticks ? (true, TimeSpan.FromTicks((long)ticks)) : (false, TimeSpan.Zero);
        });

    /// <summary>An nginx size: a number of bytes, or with <c>k</c>, <c>m</c> or <c>g</c> (either case, powers of 1024), at most 1 TiB; <c>0</c> as given.</summary>
    public static ValueParser<long> Size { get; } = new(
        "must be a size such as \"8m\", \"512k\", \"1g\" or a number of bytes, at most 1 TiB (0 for no limit)",
        v =>
        {
            var match = SizeValue().Match(v);
            if (!match.Success)
            {
                return (false, 0);
            }

            var amount = long.Parse(match.Groups["amount"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            var bytes = amount * match.Groups["unit"].Value.ToUpperInvariant() switch
            {
                "K" => 1024L,
                "M" => 1024L * 1024,
                "G" => 1024L * 1024 * 1024,
                _ => 1L,
            };
            return bytes <= 1L << 40 ? (true, bytes) : (false, 0);
        });

    /// <summary>
    /// nginx's <c>proxy_next_upstream</c> conditions, space-separated: <c>error</c>, <c>timeout</c>, <c>invalid_header</c>,
    /// <c>http_403</c>, <c>http_404</c>, <c>http_429</c>, <c>http_500</c>, <c>http_502</c>, <c>http_503</c>, <c>http_504</c>,
    /// <c>non_idempotent</c>, or <c>off</c> alone. Out: the conditions, with the default tries and no time limit.
    /// </summary>
    public static ValueParser<NextUpstream> NextUpstreamConditions { get; } = new(
        "must be \"off\" or space-separated conditions: error, timeout, invalid_header, http_403, http_404, http_429, http_500, http_502, http_503, http_504, non_idempotent",
        v =>
        {
            var words = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["off"])
            {
                return (true, NextUpstream.Default with { OnError = false, OnTimeout = false });
            }

            var result = NextUpstream.Default with { OnError = false, OnTimeout = false };
            foreach (var word in words)
            {
                var status = word.StartsWith("http_", StringComparison.Ordinal) && int.TryParse(word.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                    ? NextUpstream.StatusBit(code)
                    : 0;
                result = word switch
                {
                    "error" or "invalid_header" => result with { OnError = true },
                    "timeout" => result with { OnTimeout = true },
                    "non_idempotent" => result with { NonIdempotent = true },
                    _ when status != 0 => result with { Statuses = result.Statuses | status },
                    _ => null!,
                };
                if (result is null)
                {
                    return (false, NextUpstream.Default);
                }
            }

            return (words.Length > 0, result);
        });

    /// <summary>A regular expression (.NET syntax, which takes PCRE's common one) of at most 1024 characters.</summary>
    public static ValueParser<string> RegularExpression { get; } = new(
        "must be a regular expression of at most 1024 characters",
        v => v.Length <= 1024 && Routing.SafeRegex.Problem(v) is null ? (true, v) : (false, string.Empty));

    /// <summary>A header value: at most 1024 printable ASCII characters.</summary>
    public static ValueParser<string> HeaderValue { get; } = new(
        "must be at most 1024 printable ASCII characters",
        v => v.Length is > 0 and <= 1024 && v.All(c => c is >= ' ' and < '\x7f') ? (true, v) : (false, string.Empty));

    /// <summary>A key made of nginx variables (ingress-nginx's <c>upstream-hash-by</c>): at least one known variable, at most 1024 characters.</summary>
    public static ValueParser<string> VariablesKey { get; } = new(
        "must name nginx variables such as \"$request_uri\", \"$remote_addr\" or \"$http_x_user$arg_id\" (at most 1024 characters; variables as in auth-url)",
        v => v.Length <= 1024 && v.Contains('$', StringComparison.Ordinal) && !Authentication.RequestVariables.Unknown(v).Any() && v.All(c => c is > ' ' and < '\x7f')
            ? (true, v)
            : (false, string.Empty));

    /// <summary>A cookie's Domain: a DNS name, optionally with a leading dot.</summary>
    public static ValueParser<string> CookieDomain { get; } = new(
        "must be a DNS name such as \".example.com\" or \"example.com\"",
        v => v.TrimStart('.') is { Length: > 0 and <= 253 } name && !name.Contains('*', StringComparison.Ordinal) && DnsNameValue().IsMatch(name) ? (true, v.ToLowerInvariant()) : (false, string.Empty));

    /// <summary>HTTP statuses, comma-separated, each 400 to 599; ascending and without duplicates out.</summary>
    public static ValueParser<string> Statuses { get; } = new(
        "must be comma-separated HTTP statuses between 400 and 599, such as \"404,503\"",
        v =>
        {
            var parts = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var codes = new SortedSet<int>();
            foreach (var part in parts)
            {
                if (part.Length != 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 400 or > 599)
                {
                    return (false, string.Empty);
                }

                codes.Add(code);
            }

            return codes.Count > 0 ? (true, string.Join(',', codes)) : (false, string.Empty);
        });

    /// <summary>A Service in the Ingress's namespace, with its port: <c>name</c> (port 80), <c>name:8080</c> or <c>name:http</c>.</summary>
    public static ValueParser<string> ServicePort { get; } = new(
        "must be a Service name in the Ingress's namespace, optionally with a port: \"errors\", \"errors:8080\" or \"errors:http\"",
        v => ServicePortValue().IsMatch(v) && v.Length <= 63 + 16 ? (true, v) : (false, string.Empty));

    /// <summary>A whole number within [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static ValueParser<int> Count(int minimum, int maximum) => new(
        $"must be a whole number between {minimum.ToString(CultureInfo.InvariantCulture)} and {maximum.ToString(CultureInfo.InvariantCulture)}",
        v => WholeNumber().IsMatch(v) && long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) is var n && n >= minimum && n <= maximum
            ? (true, (int)n)
            : (false, 0));

    /// <summary>A finite positive rate within [<paramref name="minimum"/>, <paramref name="maximum"/>] (decimal notation only: no exponent, NaN or infinity).</summary>
    public static ValueParser<double> Rate(decimal minimum, decimal maximum) => new(
        $"must be a number between {minimum.ToString(CultureInfo.InvariantCulture)} and {maximum.ToString(CultureInfo.InvariantCulture)} (decimal notation)",
        v =>
        {
            if (!DecimalNumber().IsMatch(v))
            {
                return (false, 0);
            }

            var rate = decimal.Parse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            return rate >= minimum && rate <= maximum ? (true, (double)rate) : (false, 0);
        });

    /// <summary>Exactly one of <paramref name="choices"/>, compared without regard to case (so never a flags combination).</summary>
    public static ValueParser<T> Choice<T>(params (string Name, T Value)[] choices) => new(
        $"supported values: {string.Join(", ", choices.Select(c => $"\"{c.Name}\""))}",
        v =>
        {
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, v, StringComparison.OrdinalIgnoreCase))
                {
                    return (true, value);
                }
            }

            return (false, default!);
        });

    /// <summary>An RFC 9110 token (a header or cookie name) of at most <paramref name="maxLength"/> characters.</summary>
    public static ValueParser<string> Token(string what, int maxLength) => new(
        $"must be a {what} of 1 to {maxLength.ToString(CultureInfo.InvariantCulture)} characters: letters, digits and !#$%&'*+.^_`|~-",
        v => IsToken(v, maxLength) ? (true, v) : (false, string.Empty));

    /// <summary>An absolute URL path of RFC 3986 path characters, at most <see cref="MaxPathLength"/> long.</summary>
    public static ValueParser<string> Path { get; } = new(
        $"must be an absolute path of at most {MaxPathLength.ToString(CultureInfo.InvariantCulture)} characters, of RFC 3986 path characters",
        v => v.Length <= MaxPathLength && PathValue().IsMatch(v) ? (true, v) : (false, string.Empty));

    /// <summary>
    /// A rewrite target: a path of at most <see cref="MaxPathLength"/> printable characters, with regular-expression
    /// groups (<c>$1</c>..<c>$9</c>) and the nginx variables of <see cref="UrlTemplate"/> (named groups are not read).
    /// </summary>
    public static ValueParser<string> RewriteTarget { get; } = new(
        $"must be a path of at most {MaxPathLength.ToString(CultureInfo.InvariantCulture)} printable characters without spaces, such as \"/$2\"; groups $1..$9 and nginx variables allowed",
        v => v.Length is > 0 and <= MaxPathLength && v.All(c => c is > ' ' and < '\x7f') && (v[0] == '/' || v[0] == '$')
            && !Authentication.RequestVariables.Unknown(GroupReference().Replace(v, string.Empty)).Any() ? (true, v) : (false, string.Empty));

    /// <summary>A Host header value: a DNS name (not a wildcard), optionally with a port.</summary>
    public static ValueParser<string> HostHeader { get; } = new(
        "must be a DNS name, optionally with a port, such as \"backend.internal\" or \"backend.internal:8080\"",
        v => HostHeaderValue().IsMatch(v) && v.Length <= 253 + 6 ? (true, v.ToLowerInvariant()) : (false, string.Empty));

    /// <summary>Host names, comma-separated: DNS names (no wildcards, no regular expressions); lower case, without duplicates, out.</summary>
    public static ValueParser<string> HostNames { get; } = new(
        "must be comma-separated DNS names such as \"www.example.com, example.org\" (at most 100; wildcards and regular expressions are not supported)",
        v =>
        {
            var names = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return names.Length is > 0 and <= 100 && names.All(n => !n.Contains('*', StringComparison.Ordinal) && Translation.KubernetesNames.ValidateHost(n.ToLowerInvariant()) is null)
                ? (true, string.Join(',', names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal)))
                : (false, string.Empty);
        });

    /// <summary>A Secret's name, or <c>namespace/name</c>: DNS-1123 names (a namespace a label, a name a subdomain).</summary>
    public static ValueParser<string> SecretName { get; } = new(
        "must be a Secret's name or namespace/name (lower-case DNS names)",
        v => SecretNameValue().IsMatch(v) && v.Length <= 253 + 64 ? (true, v) : (false, string.Empty));

    /// <summary>A realm for WWW-Authenticate: printable, without quotes or backslashes, at most 128 characters.</summary>
    public static ValueParser<string> Realm { get; } = new(
        "must be at most 128 printable characters without \" or \\",
        v => v.Length <= 128 && !v.Contains('"', StringComparison.Ordinal) && !v.Contains('\\', StringComparison.Ordinal) ? (true, v) : (false, string.Empty));

    /// <summary>CORS origins: <c>*</c>, or comma-separated <c>http(s)://host[:port]</c>, a host optionally starting with <c>*.</c>.</summary>
    public static ValueParser<string> Origins { get; } = new(
        "must be \"*\" or comma-separated origins such as \"https://app.example.com, https://*.example.com:8443\"",
        v =>
        {
            var entries = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return entries.Length is > 0 and <= 100 && entries.All(e => e == "*" || OriginValue().IsMatch(e)) ? (true, string.Join(", ", entries)) : (false, string.Empty);
        });

    /// <summary>A comma-separated list of tokens (methods, header names), optionally <c>*</c>.</summary>
    public static ValueParser<string> TokenList(string what, bool star) => new(
        $"must be comma-separated {what}{(star ? " or \"*\"" : string.Empty)}, at most 2048 characters",
        v =>
        {
            var entries = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            return v.Length <= 2048 && entries.Length > 0 && entries.All(e => (star && e == "*") || IsToken(e, MaxHeaderNameLength))
                ? (true, string.Join(", ", entries))
                : (false, string.Empty);
        });

    /// <summary>An absolute http(s) URL of at most 2048 characters; nginx variables such as <c>$host</c> allowed (see <see cref="Authentication.RequestVariables"/>).</summary>
    public static ValueParser<string> UrlTemplate { get; } = new(
        "must be an absolute http or https URL of at most 2048 characters; variables allowed: $host, $scheme, $request_uri, $escaped_request_uri, $uri, $args, $request_method, $remote_addr, $server_port, $http_NAME, $arg_NAME, $cookie_NAME",
        v => Authentication.RequestVariables.IsUrlTemplate(v) ? (true, v) : (false, string.Empty));

    /// <summary>A text of at most 1024 printable characters; nginx variables allowed as in <see cref="UrlTemplate"/>.</summary>
    public static ValueParser<string> TextTemplate { get; } = new(
        "must be at most 1024 characters; variables allowed as in auth-url",
        v => v.Length <= 1024 && !Authentication.RequestVariables.Unknown(v).Any() ? (true, v) : (false, string.Empty));

    /// <summary>An HTTP method: upper-case letters.</summary>
    public static ValueParser<string> Method { get; } = new(
        "must be an HTTP method such as GET or POST",
        v => v.Length <= 16 && v.All(c => c is >= 'A' and <= 'Z') && v.Length > 0 ? (true, v) : (false, string.Empty));

    /// <summary>Statuses (or <c>any</c>) then a duration, as ingress-nginx's <c>auth-cache-duration</c>: <c>200 202 401 5m</c>.</summary>
    public static ValueParser<AuthCacheDuration> CacheDuration { get; } = new(
        "must be statuses (or \"any\") then a duration between 1s and 1d, such as \"200 202 401 5m\"",
        v =>
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var statuses = parts.Length > 1 ? parts[..^1] : [];
            return statuses.Length > 0 && statuses.Length <= 20 && statuses.All(s => s == "any" || (s.Length == 3 && s.All(char.IsAsciiDigit)))
                && Duration(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)).Parse(parts[^1]) is (true, var time)
                ? (true, new AuthCacheDuration(string.Join(' ', statuses), time))
                : (false, AuthCacheDuration.Default);
        });

    /// <summary>TLS versions in nginx's spelling, space-separated: <c>TLSv1.2 TLSv1.3</c>; versions before 1.2 are refused.</summary>
    public static ValueParser<string> TlsProtocols { get; } = new(
        "must be \"TLSv1.2\", \"TLSv1.3\" or both, space-separated (older versions are not offered)",
        v =>
        {
            var versions = v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            return versions.Count > 0 && versions.All(x => x is "TLSv1.2" or "TLSv1.3") ? (true, string.Join(' ', versions.Order(StringComparer.Ordinal))) : (false, string.Empty);
        });

    /// <summary>A DNS name (a certificate's subject name), at most 253 characters.</summary>
    public static ValueParser<string> DnsName { get; } = new(
        "must be a DNS name such as my-svc.my-namespace.svc",
        v => v.Length <= 253 && DnsNameValue().IsMatch(v) ? (true, v.ToLowerInvariant()) : (false, string.Empty));

    /// <summary>Most networks in one source-range annotation (ingress-nginx sets no bound; nginx writes one line each).</summary>
    public const int MaxNetworks = 1000;

    /// <summary>Client networks: comma-separated CIDRs or addresses, IPv4 or IPv6, at most <see cref="MaxNetworks"/>; canonical form out.</summary>
    public static ValueParser<string> Networks { get; } = new(
        $"must be comma-separated CIDRs or addresses such as \"10.0.0.0/8, 192.0.2.7, 2001:db8::/32\", at most {MaxNetworks.ToString(CultureInfo.InvariantCulture)}",
        v =>
        {
            var entries = AddressPolicy.CidrList.Split(v);
            if (entries.Length == 0 || entries.Length > MaxNetworks)
            {
                return (false, string.Empty);
            }

            var networks = new List<string>(entries.Length);
            foreach (var entry in entries)
            {
                if (!AddressPolicy.CidrList.TryParse(entry, out var network))
                {
                    return (false, string.Empty);
                }

                networks.Add(network.ToString());
            }

            return (true, string.Join(',', networks.Distinct(StringComparer.Ordinal)));
        });

    /// <summary>What a consistent-hashing key is read from.</summary>
    public static ValueParser<HashKey> HashBy { get; } = new(
        $"must be \"header:NAME\", \"cookie:NAME\" or \"client-address\" (NAME a token of at most {MaxHeaderNameLength.ToString(CultureInfo.InvariantCulture)} characters)",
        v => v.Split(':', 2, StringSplitOptions.TrimEntries) switch
        {
            ["client-address"] => (true, new HashKey(HashSource.ClientAddress, null)),
            ["header", var header] when IsToken(header, MaxHeaderNameLength) => (true, new HashKey(HashSource.Header, header)),
            ["cookie", var cookie] when IsToken(cookie, MaxCookieNameLength) => (true, new HashKey(HashSource.Cookie, cookie)),
            _ => (false, new HashKey(HashSource.ClientAddress, null)),
        });

    /// <summary>True when every character is printable ASCII: header values and names must be, and digits elsewhere than 0-9 must not pass.</summary>
    public static bool IsPrintableAscii(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsToken(string value, int maxLength) => value.Length > 0 && value.Length <= maxLength && TokenValue().IsMatch(value);

    private static string Describe(TimeSpan value) =>
        value == TimeSpan.Zero ? "0s"
        : value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    [GeneratedRegex(@"^(?<amount>[0-9]{1,9}(?:\.[0-9]{1,9})?)(?<unit>ms|s|m|h)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationValue();

    [GeneratedRegex("^[0-9]{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeNumber();

    [GeneratedRegex("^(?<amount>[0-9]{1,13})(?<unit>[kKmMgG]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex SizeValue();

    [GeneratedRegex(@"^[0-9]{1,9}(?:\.[0-9]{1,9})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalNumber();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenValue();

    [GeneratedRegex("^/[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathValue();

    [GeneratedRegex(@"^https?://(?:\*\.)?[A-Za-z0-9](?:[-A-Za-z0-9.]{0,252})(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex OriginValue();

    [GeneratedRegex(@"^(?:\*\.)?[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsNameValue();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostHeaderValue();

    [GeneratedRegex(@"\$[0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex GroupReference();

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?(:([0-9]{1,5}|[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServicePortValue();

    [GeneratedRegex("^(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?/)?[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretNameValue();

    // Directive names are case-insensitive (RFC 6797 6.1); matched without IgnoreCase, whose Unicode case
    // folding would let non-ASCII letters through (the caller checks ASCII first anyway).
    [GeneratedRegex("^[Mm][Aa][Xx]-[Aa][Gg][Ee]=[0-9]{1,10}([ \t]*;[ \t]*([Ii][Nn][Cc][Ll][Uu][Dd][Ee][Ss][Uu][Bb][Dd][Oo][Mm][Aa][Ii][Nn][Ss]|[Pp][Rr][Ee][Ll][Oo][Aa][Dd]))*[ \t]*;?$", RegexOptions.CultureInvariant)]
    private static partial Regex HstsValue();
}

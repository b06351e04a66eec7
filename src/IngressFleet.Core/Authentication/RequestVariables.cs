using System.Text.RegularExpressions;

namespace IngressFleet.Core.Authentication;

/// <summary>
/// nginx variables in annotation values (<c>auth-url: https://$host/oauth2/auth</c>): the ones ingress-nginx
/// users write in auth URLs and cache keys. A value naming any other variable is refused, so nothing is
/// silently sent with an empty part.
/// </summary>
public static partial class RequestVariables
{
    /// <summary>Variables with a fixed name; <c>http_NAME</c>, <c>arg_NAME</c> and <c>cookie_NAME</c> are also known.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "host", "http_host", "best_http_host", "scheme", "pass_access_scheme", "request_uri", "escaped_request_uri", "uri", "args",
        "request_method", "remote_addr", "server_port",
    };

    /// <summary>The variables <paramref name="template"/> names that are not known, if any.</summary>
    public static IEnumerable<string> Unknown(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Variable().Matches(template).Select(m => m.Groups["name"].Value).Where(n => !IsKnown(n)).Distinct(StringComparer.Ordinal);
    }

    /// <summary><paramref name="template"/> with each variable replaced by <paramref name="value"/>'s answer (empty when it has none).</summary>
    public static string Expand(string template, Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(value);
        return template.Contains('$', StringComparison.Ordinal)
            ? Variable().Replace(template, m => value(m.Groups["name"].Value) ?? string.Empty)
            : template;
    }

    /// <summary>Whether <paramref name="template"/>, with its variables filled, is an absolute http(s) URL.</summary>
    public static bool IsUrlTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var sample = Expand(template, _ => "x");
        return template.Length <= 2048 && !Unknown(template).Any()
            && Uri.TryCreate(sample, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !sample.Any(char.IsWhiteSpace);
    }

    /// <summary>Escapes like nginx's <c>$escaped_request_uri</c>: everything but unreserved characters.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Uri.EscapeDataString(value);
    }

    private static bool IsKnown(string name) =>
        Names.Contains(name) || (name.Length > 5 && (name.StartsWith("http_", StringComparison.Ordinal) || name.StartsWith("arg_", StringComparison.Ordinal)))
        || (name.Length > 7 && name.StartsWith("cookie_", StringComparison.Ordinal));

    [GeneratedRegex(@"\$(?:\{(?<name>[a-z0-9_]+)\}|(?<name>[a-z0-9_]+))", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();
}

using System.Text;
using System.Text.RegularExpressions;

namespace IngressFleet.Core.Routing;

/// <summary>
/// ingress-nginx's <c>rewrite-target</c>: nginx's <c>rewrite "(?i)path" target break;</c>. When the rule's path (a
/// regular expression) matches the request path anywhere, the whole path is replaced by the target, whose
/// <c>$1</c>..<c>$9</c> are the match's groups and whose <c>$name</c>s are nginx variables.
/// When it does not match, the path goes on unchanged. <c>x-forwarded-prefix</c> comes with it (ingress-nginx sends
/// that header only beside a rewrite), with the same groups.
/// </summary>
public sealed class PathRewrite
{
    private readonly Regex _pattern;

    /// <param name="path">The rule's path: the pattern.</param>
    /// <param name="target">The <c>rewrite-target</c>.</param>
    /// <param name="forwardedPrefix">The <c>x-forwarded-prefix</c>, if set.</param>
    public PathRewrite(string path, string target, string? forwardedPrefix)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(target);
        _pattern = SafeRegex.Rewrite(path);
        Target = target;
        ForwardedPrefix = forwardedPrefix;
    }

    /// <summary>The annotation's value.</summary>
    public string Target { get; }

    /// <summary>The <c>X-Forwarded-Prefix</c> template, if set.</summary>
    public string? ForwardedPrefix { get; }

    /// <summary>
    /// The path and query the backend gets, or null when the pattern does not match <paramref name="path"/>. The
    /// request's query is kept: after the target's own query, if it has one (as nginx does). The prefix is the
    /// <c>X-Forwarded-Prefix</c> to send, null for none.
    /// </summary>
    /// <param name="path">The request path, decoded.</param>
    /// <param name="query">The request's query without its <c>?</c>, empty when it has none.</param>
    /// <param name="variable">The value of an nginx variable, null for an unknown one.</param>
    public (string Path, string Query, string? Prefix)? Apply(string path, string query, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(variable);
        Match match;
        try
        {
            match = _pattern.Match(path);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }

        if (!match.Success)
        {
            return null;
        }

        var result = Expand(Target, match, variable);
        var mark = result.IndexOf('?', StringComparison.Ordinal);
        var newPath = mark < 0 ? result : result[..mark];
        var newQuery = mark < 0 ? query : query.Length == 0 ? result[(mark + 1)..] : $"{result[(mark + 1)..]}&{query}";
        var prefix = ForwardedPrefix is null ? null : Expand(ForwardedPrefix, match, variable);
        return (newPath.StartsWith('/') ? newPath : "/" + newPath, newQuery, prefix);
    }

    /// <summary>nginx's script: <c>$</c> and one digit is a group; <c>$name</c> or <c>${name}</c> a variable.</summary>
    private static string Expand(string target, Match match, Func<string, string?> variable)
    {
        if (!target.Contains('$', StringComparison.Ordinal))
        {
            return target;
        }

        var text = new StringBuilder(target.Length + match.Length);
        for (var i = 0; i < target.Length; i++)
        {
            if (target[i] != '$' || i + 1 == target.Length)
            {
                text.Append(target[i]);
                continue;
            }

            if (char.IsAsciiDigit(target[i + 1]))
            {
                text.Append(match.Groups[target[i + 1] - '0'].Value);
                i++;
                continue;
            }

            var braced = target[i + 1] == '{';
            var start = braced ? i + 2 : i + 1;
            var end = start;
            while (end < target.Length && (char.IsAsciiLetterOrDigit(target[end]) || target[end] == '_'))
            {
                end++;
            }

            if (end == start || (braced && (end == target.Length || target[end] != '}')))
            {
                text.Append(target[i]);
                continue;
            }

            text.Append(variable(target[start..end]) ?? string.Empty);
            i = braced ? end : end - 1;
        }

        return text.ToString();
    }
}

using System.Text.RegularExpressions;

namespace IngressFleet.Core.Routing;

/// <summary>
/// The regular expressions of ingress-nginx annotations: a location <c>~* "^path"</c> (case-insensitive, anchored
/// at the start only), a rewrite <c>"(?i)path"</c>, a canary's header pattern. Every pattern runs on .NET's
/// non-backtracking engine, whose match time is linear in the input; a pattern it cannot run (backreferences,
/// lookarounds) runs on the backtracking engine under <see cref="MatchTimeout"/>, so no input, however hostile,
/// holds a request thread.
/// </summary>
public static class SafeRegex
{
    /// <summary>How long one backtracking match may run; a path that takes longer does not match.</summary>
    public static TimeSpan MatchTimeout { get; } = TimeSpan.FromMilliseconds(50);

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    /// <summary>The location a path stands for when its host's paths are regular expressions.</summary>
    public static Regex Location(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Compile("^" + path) ?? Compile("^" + Regex.Escape(path))!;
    }

    /// <summary>The pattern a rewrite matches the request path with (unanchored, as nginx's <c>rewrite</c>).</summary>
    public static Regex Rewrite(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Compile(path) ?? Compile(Regex.Escape(path))!;
    }

    /// <summary>A canary's <c>canary-by-header-pattern</c>: case-sensitive and unanchored, as Lua's <c>ngx.re.match</c> without options.</summary>
    public static Regex HeaderPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Compile(pattern, RegexOptions.CultureInvariant) ?? Compile(Regex.Escape(pattern), RegexOptions.CultureInvariant)!;
    }

    /// <summary>Why <paramref name="path"/> is not a regular expression, or null when it is one.</summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            _ = new Regex(path, Options, MatchTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>Whether the pattern matched within its time; a timeout counts as no match.</summary>
    public static bool IsMatch(Regex regex, ReadOnlySpan<char> path)
    {
        ArgumentNullException.ThrowIfNull(regex);
        try
        {
            return regex.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex? Compile(string pattern, RegexOptions options = Options)
    {
        try
        {
            return new Regex(pattern, options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return Backtracking(pattern, options);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Regex? Backtracking(string pattern, RegexOptions options)
    {
        try
        {
            return new Regex(pattern, options, MatchTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

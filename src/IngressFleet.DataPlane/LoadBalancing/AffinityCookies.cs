using System.Buffers;
using System.Text.RegularExpressions;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;

namespace IngressFleet.DataPlane.LoadBalancing;

/// <summary>
/// The cookie that keeps a client on its destination, with ingress-nginx's attributes (<c>session-cookie-*</c>):
/// HttpOnly always; the rule's path unless set (<c>/</c> for a regular-expression path); no SameSite unless set.
/// </summary>
internal static partial class AffinityCookies
{
    private static readonly SearchValues<char> RegexCharacters = SearchValues.Create("()[]{}*+?|^$\\");

    /// <summary>Tells the client to stick to <paramref name="id"/>, replacing what this response already said about the cookie.</summary>
    public static void Set(HttpContext context, RouteEntry route, string name, string id)
    {
        var cookie = route.Options.Traffic.Cookie;
        var sameSite = cookie.SameSite switch
        {
            "None" => SameSiteMode.None,
            "Lax" => SameSiteMode.Lax,
            "Strict" => SameSiteMode.Strict,
            _ => SameSiteMode.Unspecified,
        };
        if (sameSite == SameSiteMode.None && cookie.ConditionalSameSiteNone && RejectsSameSiteNone(context.Request.Headers.UserAgent.ToString()))
        {
            sameSite = SameSiteMode.Unspecified;
        }

        var response = context.Response;
        if (response.Headers.SetCookie.Count > 0)
        {
            // A retry moved the client (change-on-failure): the earlier choice must not reach it too.
            response.Headers.SetCookie = new([.. response.Headers.SetCookie.Where(c => c is not null && !c.StartsWith(name + "=", StringComparison.Ordinal))]);
        }

        response.Cookies.Append(name, id, new CookieOptions
        {
            Path = cookie.Path ?? PathOf(route),
            Domain = cookie.Domain,
            HttpOnly = true,
            SameSite = sameSite,
            Secure = cookie.Secure || context.Request.IsHttps,
            MaxAge = cookie.MaxAge,
        });
    }

    /// <summary>The rule's path, as nginx's location; <c>/</c> for a default backend or a path that is a regular expression.</summary>
    private static string PathOf(RouteEntry route) =>
        route.Path.Length == 0 || route.Options.UseRegex || route.Rewrite is not null || route.Path.AsSpan().IndexOfAny(RegexCharacters) >= 0 ? "/" : route.Path;

    /// <summary>Browsers that reject or mishandle <c>SameSite=None</c> (Chromium's published list, as ingress-nginx's check).</summary>
    /// <remarks>A User-Agent longer than any browser's, or one the pattern cannot judge in time, is taken as a modern browser.</remarks>
    private static bool RejectsSameSiteNone(string userAgent)
    {
        if (userAgent.Length is 0 or > MaxUserAgentLength)
        {
            return false;
        }

        try
        {
            return IncompatibleWithSameSiteNone().IsMatch(userAgent);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private const int MaxUserAgentLength = 512;

    [GeneratedRegex(@"\(iP.+; CPU .*OS 12[_\d]*.*\) AppleWebKit\/|\(Macintosh;.*Mac OS X 10_14[_\d]*.*\) AppleWebKit\/.*Version\/.* Safari\/|Chrom(e|ium)\/(5[1-9]|6[0-6])\.|UCBrowser\/(\d|1[01])\.|UCBrowser\/12\.(\d|1[0-2])\.", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 50)]
    private static partial Regex IncompatibleWithSameSiteNone();
}

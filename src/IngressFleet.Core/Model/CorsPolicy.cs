using System.Text.RegularExpressions;

namespace IngressFleet.Core.Model;

/// <summary>
/// An Ingress's CORS answers, as ingress-nginx's <c>enable-cors</c> gives them: for a request whose
/// <c>Origin</c> is allowed, the <c>Access-Control-*</c> headers on every response, and a preflight
/// (<c>OPTIONS</c>) answered 204 by the proxy without reaching the backend.
/// </summary>
/// <param name="AllowOrigins">Comma-separated origins (<c>https://a.example</c>, <c>https://*.example.com</c>), or <c>*</c>.</param>
/// <param name="AllowMethods">The <c>Access-Control-Allow-Methods</c> value.</param>
/// <param name="AllowHeaders">The <c>Access-Control-Allow-Headers</c> value.</param>
/// <param name="ExposeHeaders">The <c>Access-Control-Expose-Headers</c> value; empty for none.</param>
/// <param name="AllowCredentials">Whether <c>Access-Control-Allow-Credentials: true</c> is sent.</param>
/// <param name="MaxAgeSeconds">The <c>Access-Control-Max-Age</c> value.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.CorsPolicy")]
public sealed record CorsPolicy(string AllowOrigins, string AllowMethods, string AllowHeaders, string ExposeHeaders, bool AllowCredentials, int MaxAgeSeconds)
{
    /// <summary>ingress-nginx's defaults.</summary>
    public const string DefaultMethods = "GET, PUT, POST, DELETE, PATCH, OPTIONS";

    public const string DefaultHeaders = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";

    public const int DefaultMaxAge = 1728000;

    [NonSerialized]
    private Regex? _origins;

    /// <summary>Whether any origin is allowed (the header is then <c>*</c>).</summary>
    public bool AnyOrigin => AllowOrigins.Split(',').Any(o => o.Trim() == "*");

    /// <summary>The <c>Access-Control-Allow-Origin</c> value for a request from <paramref name="origin"/>, or null when that origin is not allowed.</summary>
    public string? AllowedOrigin(string? origin)
    {
        if (AnyOrigin)
        {
            return "*";
        }

        if (string.IsNullOrEmpty(origin))
        {
            return null;
        }

        return (_origins ??= Compile(AllowOrigins)).IsMatch(origin) ? origin : null;
    }

    // Case-insensitive, as nginx's ~* match; "*." stands for one DNS label, as ingress-nginx builds it.
    private static Regex Compile(string origins) =>
        new(
            "^(?:" + string.Join('|', origins.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(o => Regex.Escape(o).Replace(@"://\*\.", @"://[A-Za-z0-9-]+\.", StringComparison.Ordinal))) + ")$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromMilliseconds(100));
}

using System.Collections.Frozen;
using System.Reflection;

namespace IngressFleet.Host.Admin;

/// <summary>
/// The fleet page at the admin port's <c>/</c>: static files embedded in the executable (no CDN, works offline)
/// that read the admin API every second. Served with a content security policy that allows only its own script
/// and style, so nothing an Ingress says can run in an operator's browser.
/// </summary>
internal static class FleetPage
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal)
    {
        ["/"] = (Read("index.html"), "text/html; charset=utf-8"),
        ["/ui/app.js"] = (Read("app.js"), "text/javascript; charset=utf-8"),
        ["/ui/app.css"] = (Read("app.css"), "text/css; charset=utf-8"),
        ["/ui/icon.svg"] = (Read("icon.svg"), "image/svg+xml"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, (content, type)) in Files)
        {
            endpoints.MapGet(path, (HttpContext context) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
                return Results.Bytes(content, type);
            });
        }
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"FleetPage/{name}")
            ?? throw new InvalidOperationException($"the fleet page's {name} is not embedded in the executable");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using IngressFleet.Core.Authentication;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// The nginx variables annotations may use (<see cref="RequestVariables"/> says which), with a request's values:
/// one place for auth URLs, cache keys and redirect locations.
/// </summary>
public static class NginxVariables
{
    /// <summary>nginx's <c>$request_uri</c>: the target as the client sent it, not decoded.</summary>
    public static string RequestUri(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/'
            ? raw
            : $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";

    /// <summary>The value of nginx variable <paramref name="name"/> for the request; null for one not known.</summary>
    public static string? Of(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        return name switch
        {
            "host" or "http_host" or "best_http_host" => request.Host.Value,
            "scheme" or "pass_access_scheme" => request.Scheme,
            "request_uri" => RequestUri(context),
            "escaped_request_uri" => RequestVariables.Escape(RequestUri(context)),
            "uri" => string.Concat(request.PathBase.Value, request.Path.Value),
            "args" => request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            "request_method" => request.Method,
            "remote_addr" => context.Connection.RemoteIpAddress?.ToString(),
            "server_port" => context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ when name.StartsWith("http_", StringComparison.Ordinal) => request.Headers[name[5..].Replace('_', '-')].ToString(),
            _ when name.StartsWith("arg_", StringComparison.Ordinal) => request.Query[name[4..]].ToString(),
            _ when name.StartsWith("cookie_", StringComparison.Ordinal) => request.Cookies[name[7..]],
            _ => null,
        };
    }
}

using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Cors;

/// <summary>
/// ingress-nginx's CORS answers: for an allowed <c>Origin</c>, the <c>Access-Control-*</c> headers on the
/// response whatever its status (replacing the backend's own), and a preflight answered here with 204. The
/// check comes before redirects and access control, as nginx's rewrite phase comes before its access phase,
/// so a browser's preflight (which carries no credentials) is answered.
/// </summary>
public static class CorsHeaders
{
    /// <returns>True when the request was a preflight and has been answered.</returns>
    public static bool Apply(HttpContext context, CorsPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        var origin = policy.AllowedOrigin(context.Request.Headers.Origin.ToString());
        if (origin is null)
        {
            return false;
        }

        var response = context.Response;
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            Set(response.Headers, policy, origin);
            response.StatusCode = StatusCodes.Status204NoContent;
            response.Headers.ContentType = "text/plain charset=UTF-8";
            response.ContentLength = 0;
            return true;
        }

        response.OnStarting(() =>
        {
            Set(response.Headers, policy, origin);
            return Task.CompletedTask;
        });
        return false;
    }

    private static void Set(IHeaderDictionary headers, CorsPolicy policy, string origin)
    {
        headers.AccessControlAllowOrigin = origin;
        if (policy.AllowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        headers.AccessControlAllowMethods = policy.AllowMethods;
        headers.AccessControlAllowHeaders = policy.AllowHeaders;
        if (policy.ExposeHeaders.Length > 0)
        {
            headers.AccessControlExposeHeaders = policy.ExposeHeaders;
        }

        headers.AccessControlMaxAge = policy.MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

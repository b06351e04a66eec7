using IngressFleet.Core.Model;
using Microsoft.Extensions.Primitives;

namespace IngressFleet.DataPlane.Authentication;

/// <summary>What an auth service said: its status, the headers to pass on, and why it failed when it did.</summary>
public sealed record AuthAnswer(int Status, IReadOnlyList<KeyValuePair<string, StringValues>> UpstreamHeaders, StringValues SetCookie, StringValues WwwAuthenticate, string? Failure)
{
    public bool Admitted => Status is >= 200 and < 300;

    public static AuthAnswer Failed(string reason) => new(StatusCodes.Status500InternalServerError, [], StringValues.Empty, StringValues.Empty, reason);

    public static AuthAnswer From(HttpResponseMessage response, ExternalAuth auth)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(auth);
        var status = (int)response.StatusCode;
        var headers = auth.ResponseHeaders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => KeyValuePair.Create(name, response.Headers.TryGetValues(name, out var values) ? new StringValues([.. values]) : StringValues.Empty))
            .ToList();
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var c) ? new StringValues([.. c]) : StringValues.Empty;
        var challenge = response.Headers.TryGetValues("WWW-Authenticate", out var w) ? new StringValues([.. w]) : StringValues.Empty;
        var failure = status is >= 200 and < 300 or 401 or 403 ? null : $"the auth service answered {status}";
        return new AuthAnswer(failure is null ? status : StatusCodes.Status500InternalServerError, headers, cookies, challenge, failure);
    }

    /// <summary>
    /// When the service admitted the request: sets its chosen headers on the request to the backend (removing
    /// any the client sent under those names), and its cookies on the response (2xx and 3xx, or always).
    /// </summary>
    /// <returns>Whether the request was admitted.</returns>
    public bool Admit(HttpContext context, ExternalAuth auth)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auth);
        if (!Admitted)
        {
            return false;
        }

        foreach (var (name, values) in UpstreamHeaders)
        {
            context.Request.Headers.Remove(name);
            if (!StringValues.IsNullOrEmpty(values))
            {
                context.Request.Headers[name] = values;
            }
        }

        AddCookies(context, auth);
        return true;
    }

    /// <summary>The service's cookies on the client's response, when the response's status allows them.</summary>
    public void AddCookies(HttpContext context, ExternalAuth auth)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auth);
        if (StringValues.IsNullOrEmpty(SetCookie))
        {
            return;
        }

        var response = context.Response;
        response.OnStarting(() =>
        {
            if (auth.AlwaysSetCookie || response.StatusCode < 400)
            {
                response.Headers.Append("Set-Cookie", SetCookie);
            }

            return Task.CompletedTask;
        });
    }
}

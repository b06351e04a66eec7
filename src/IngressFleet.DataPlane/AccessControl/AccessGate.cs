using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Authentication;
using IngressFleet.DataPlane.ClientIdentity;
using IngressFleet.DataPlane.Tls;

namespace IngressFleet.DataPlane.AccessControl;

/// <summary>
/// An Ingress's access control, in nginx's order: the host's client certificate (checked by nginx before any
/// location), then its access phase: source ranges, then basic, then external authentication. With <c>satisfy: all</c> (the default) each must admit; with <c>satisfy: any</c> a client
/// inside the source ranges needs no authentication, and one outside them may still authenticate.
/// </summary>
public sealed class AccessGate(ClientAddressResolver clients, BasicAuthGate basicAuth, ExternalAuthenticator externalAuth)
{
    /// <param name="context">The request.</param>
    /// <param name="options">The options of the Ingress whose rule matched.</param>
    /// <param name="clientCertificate">The request's host's client-certificate check, if it has one.</param>
    /// <returns>Null when the request may proceed; otherwise the refusal to answer with.</returns>
    public ValueTask<Refusal?> CheckAsync(HttpContext context, IngressOptions options, ClientCertificatePolicy? clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (clientCertificate is not null && ClientCertificates.Check(context, clientCertificate) is { } refused)
        {
            return ValueTask.FromResult<Refusal?>(refused);
        }

        var ranges = clients.RangesFor(options.SourceRanges);
        var authenticated = options.BasicAuth is not null || options.ExternalAuth is not null;
        if (ranges is null && !authenticated)
        {
            return ValueTask.FromResult<Refusal?>(null);
        }

        var inRange = ranges is null || (context.Connection.RemoteIpAddress is { } client && ranges.Admits(client));
        var any = options.SatisfyAny && authenticated;
        if (any && ranges is not null && inRange)
        {
            return ValueTask.FromResult<Refusal?>(null);
        }

        if (!inRange && !any)
        {
            return ValueTask.FromResult<Refusal?>(new Refusal(StatusCodes.Status403Forbidden, "the client address is outside the Ingress's source ranges"));
        }

        if (options.BasicAuth is { } basic && basicAuth.Check(context.Request, basic) is var verdict && verdict != BasicAuthGate.Verdict.Admitted)
        {
            return ValueTask.FromResult<Refusal?>(verdict == BasicAuthGate.Verdict.Unavailable
                ? new Refusal(StatusCodes.Status503ServiceUnavailable, basic.Unavailable ?? "the Ingress's users are not available")
                : new Refusal(StatusCodes.Status401Unauthorized, "authentication required", Challenge: BasicAuthGate.Challenge(basic)));
        }

        return options.ExternalAuth is { } external ? AskAsync(context, external) : ValueTask.FromResult<Refusal?>(null);
    }

    private async ValueTask<Refusal?> AskAsync(HttpContext context, ExternalAuth external)
    {
        var answer = await externalAuth.AskAsync(context, external);
        if (answer.Admit(context, external))
        {
            return null;
        }

        answer.AddCookies(context, external);
        return answer.Status switch
        {
            StatusCodes.Status401Unauthorized when external.SignIn is not null =>
                new Refusal(StatusCodes.Status302Found, "sign in first", ExternalAuthenticator.SignInLocation(context, external)),
            StatusCodes.Status401Unauthorized => new Refusal(StatusCodes.Status401Unauthorized, "the auth service asks for authentication", Challenge: answer.WwwAuthenticate),
            StatusCodes.Status403Forbidden => new Refusal(StatusCodes.Status403Forbidden, "the auth service refused the request"),
            _ => new Refusal(StatusCodes.Status500InternalServerError, answer.Failure ?? "the auth service failed"),
        };
    }
}

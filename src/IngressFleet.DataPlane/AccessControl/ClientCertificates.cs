using System.Net;
using IngressFleet.Core.Authentication;
using IngressFleet.Core.Routing;
using IngressFleet.DataPlane.Tls;
using Microsoft.AspNetCore.Connections.Features;

namespace IngressFleet.DataPlane.AccessControl;

/// <summary>
/// A host's client-certificate check in the request path, with nginx's answers: 400 for a certificate missing
/// (mode <c>on</c>) or failing verification (<c>on</c>, <c>optional</c>), or a 302 to the Ingress's error page;
/// 421 for a request that reached the host over a connection negotiated for another name (HTTP/2 reuses
/// connections across names that share a certificate, and the handshake is where the certificate is asked
/// for). The backend gets nginx's <c>ssl-client-*</c> headers.
/// </summary>
public static class ClientCertificates
{
    /// <summary>The headers a backend may take for the client's certificate; never accepted from a client.</summary>
    public static readonly string[] Headers = ["ssl-client-verify", "ssl-client-subject-dn", "ssl-client-issuer-dn", "ssl-client-cert"];

    /// <summary>The connection item under which the listener records the SNI name its handshake was for.</summary>
    public const string ServerNameItem = "ingressfleet.sni";

    public static Refusal? Check(HttpContext context, ClientCertificatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        var auth = policy.Auth;
        if (auth.CaPem is null && auth.Verify != "optional_no_ca")
        {
            return new Refusal(StatusCodes.Status503ServiceUnavailable, auth.Unavailable ?? "the host's CA bundle is not available");
        }

        if (context.Request.IsHttps
            && context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ServerNameItem, out var item) == true && item is string { Length: > 0 } sni
            && !string.Equals(sni, HostName.WithoutPort(context.Request.Host.Value ?? string.Empty).ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return new Refusal(StatusCodes.Status421MisdirectedRequest, "this connection was set up for another host; this host asks for a client certificate on its own connection");
        }

        // Plain HTTP carries no certificate: treated as none sent, so the host is never open over HTTP.
        var certificate = context.Request.IsHttps ? context.Connection.ClientCertificate : null;
        var verdict = certificate is null ? "NONE" : auth.Verify == "optional_no_ca" ? Unverified(policy, certificate) : policy.Verify(certificate);
        var refused = (verdict, auth.Verify) switch
        {
            ("NONE", "on") => "No required SSL certificate was sent",
            (var v, "on" or "optional") when v.StartsWith("FAILED", StringComparison.Ordinal) => "The SSL certificate error",
            _ => null,
        };
        if (refused is not null)
        {
            return auth.ErrorPage is { } page
                ? new Refusal(StatusCodes.Status302Found, refused, RequestVariables.Expand(page, _ => null))
                : new Refusal(StatusCodes.Status400BadRequest, refused);
        }

        var headers = context.Request.Headers;
        headers["ssl-client-verify"] = verdict;
        if (certificate is not null)
        {
            headers["ssl-client-subject-dn"] = certificate.SubjectName.Format(false);
            headers["ssl-client-issuer-dn"] = certificate.IssuerName.Format(false);
            if (auth.PassCertificateToUpstream)
            {
                headers["ssl-client-cert"] = WebUtility.UrlEncode(certificate.ExportCertificatePem()).Replace("+", "%20", StringComparison.Ordinal);
            }
        }

        return null;
    }

    // optional_no_ca: passed to the backend whatever it is, with the verdict when a bundle is at hand.
    private static string Unverified(ClientCertificatePolicy policy, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        policy.Auth.CaPem is null ? "FAILED:unable to verify the first certificate" : policy.Verify(certificate);
}

namespace IngressFleet.DataPlane.Tls;

/// <summary>The fallback certificates of the HTTPS listener.</summary>
/// <param name="SelfSigned">Made at start-up; presented when no default certificate Secret is configured or valid.</param>
/// <param name="DefaultSecret">The <c>namespace/name</c> of the Secret with the default certificate, if configured.</param>
internal sealed record TlsSettings(ServerCertificate SelfSigned, string? DefaultSecret)
{
    public static TlsSettings SelfSignedOnly(TimeProvider time) => new(ServerCertificate.SelfSigned(SelfSignedCertificate.Create(time)), null);
}

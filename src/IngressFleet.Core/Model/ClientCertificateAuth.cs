namespace IngressFleet.Core.Model;

/// <summary>
/// Client-certificate authentication of an Ingress's hosts (ingress-nginx's <c>auth-tls-*</c>): certificates
/// are asked for in the TLS handshake of those hosts and verified against the CA bundle of a Secret
/// (<c>ca.crt</c>), which translation reads into <see cref="CaPem"/>; while it cannot, <see cref="Unavailable"/>
/// says why and every request is refused.
/// </summary>
/// <param name="Secret">The Secret with the CA bundle, <c>namespace/name</c>.</param>
/// <param name="Verify"><c>on</c> (a valid certificate is required), <c>optional</c> (verified when sent), <c>optional_no_ca</c> (asked for, not verified).</param>
/// <param name="Depth">The longest chain from the client certificate to a CA of the bundle (1: signed by one of them).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientCertificateAuth")]
public sealed record ClientCertificateAuth(string Secret, string Verify, int Depth)
{
    /// <summary>Where a client whose certificate is missing or invalid is redirected (302), instead of a 400.</summary>
    [Id(0)]
    public string? ErrorPage { get; init; }

    /// <summary>The client certificate goes to the backend, URL-escaped PEM in <c>ssl-client-cert</c>.</summary>
    [Id(1)]
    public bool PassCertificateToUpstream { get; init; }

    /// <summary>The CA bundle (PEM) read from the Secret; null until read, or when it could not be.</summary>
    [Id(2)]
    public string? CaPem { get; init; }

    [Id(3)]
    public string? Unavailable { get; init; }
}

namespace IngressFleet.Core.Model;

/// <summary>
/// How an Ingress's TLS backends are spoken to (ingress-nginx's <c>proxy-ssl-*</c>): their certificates
/// verified against a CA bundle, a client certificate presented, the TLS versions allowed. Translation reads
/// the Secret (<c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>) into the PEM fields; while it cannot,
/// <see cref="Unavailable"/> says why and every request is refused.
/// </summary>
/// <param name="Secret">The Secret, <c>namespace/name</c>.</param>
/// <param name="Verify">Whether backend certificates are verified (<c>proxy-ssl-verify: on</c>).</param>
/// <param name="Depth">The longest chain from the backend's certificate to a CA of the bundle.</param>
/// <param name="Name">The name the backend's certificate must hold; the request's host when null.</param>
/// <param name="Protocols">Space-separated TLS versions, nginx's spelling (<c>TLSv1.2 TLSv1.3</c>).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.BackendTls")]
public sealed record BackendTls(string Secret, bool Verify, int Depth, string? Name, string Protocols)
{
    public const string DefaultProtocols = "TLSv1.2 TLSv1.3";

    [Id(0)]
    public string? CaPem { get; init; }

    /// <summary>The client certificate (and chain) presented to backends, if the Secret has one.</summary>
    [Id(1)]
    public string? CertificatePem { get; init; }

    [Id(2)]
    public string? KeyPem { get; init; }

    [Id(3)]
    public string? Unavailable { get; init; }

    /// <summary>Shown instead of the record (logs): never the key.</summary>
    public override string ToString() => $"BackendTls {{ Secret = {Secret}, Verify = {Verify}, Name = {Name}, Unavailable = {Unavailable} }}";
}

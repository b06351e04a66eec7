using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// One certificate ready for handshakes: the leaf with its key and the intermediates of the chain in an
/// <see cref="SslStreamCertificateContext"/>, and the server options built once, so a handshake only picks.
/// </summary>
internal sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates, TlsCertificate? source)
    {
        Leaf = leaf;
        Source = source;
        Options = new SslServerAuthenticationOptions
        {
            // offline: the chain is what the Secret holds; no fetching of intermediates during a handshake.
            ServerCertificateContext = SslStreamCertificateContext.Create(leaf, intermediates, offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            ClientCertificateRequired = false,
        };

        // For hosts with client-certificate auth: a certificate is asked for, any (or none) accepted in the
        // handshake, and verified in the request path against the host's own CA bundle, where the answer can
        // be nginx's (400, or the Ingress's error page) rather than a failed handshake.
        OptionsAskingClientCertificate = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = Options.ServerCertificateContext,
            EnabledSslProtocols = Options.EnabledSslProtocols,
            ApplicationProtocols = Options.ApplicationProtocols,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
#pragma warning disable CA5359 // Deliberate: verified per host in the request path (see above).
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        };
    }

    public X509Certificate2 Leaf { get; }

    /// <summary>The Secret's certificate it was made from; null for the self-signed default.</summary>
    public TlsCertificate? Source { get; }

    public SslServerAuthenticationOptions Options { get; }

    public SslServerAuthenticationOptions OptionsAskingClientCertificate { get; }

    public static ServerCertificate From(TlsCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificate.CertificatePem);
        var leaf = X509Certificate2.CreateFromPem(certificate.CertificatePem, certificate.PrivateKeyPem);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        chain[0].Dispose();
        return new ServerCertificate(leaf, intermediates, certificate);
    }

    public static ServerCertificate SelfSigned(X509Certificate2 certificate) => new(certificate, [], null);
}

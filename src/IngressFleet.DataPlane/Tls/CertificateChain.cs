using System.Security.Cryptography.X509Certificates;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// Whether a certificate chains to a CA bundle within a depth (nginx's <c>ssl_verify_depth</c>: 1 means issued
/// by a CA of the bundle), offline: no revocation lookups, no fetching of intermediates. One check for client
/// certificates (<c>auth-tls-*</c>) and backend certificates (<c>proxy-ssl-*</c>).
/// </summary>
internal static class CertificateChain
{
    /// <returns>Null when it verifies; otherwise why not.</returns>
    public static string? Failure(X509Certificate2 certificate, X509Certificate2Collection authorities, int depth)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return !chain.Build(certificate)
            ? string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("unable to verify"))
            : chain.ChainElements.Count - 1 > depth ? "certificate chain too long" : null;
    }
}

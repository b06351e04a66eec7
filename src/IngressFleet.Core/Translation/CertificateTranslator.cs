using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IngressFleet.Core.Model;
using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>
/// Reads a <c>kubernetes.io/tls</c> Secret into a <see cref="TlsCertificate"/>, refusing what a TLS handshake
/// would fail on or should not serve: another Secret type, missing keys, PEM that does not parse, a key that
/// does not belong to the certificate, a certificate that has expired or is not valid yet. Reasons name the
/// field and never quote key material.
/// </summary>
public static class CertificateTranslator
{
    public const string TlsSecretType = "kubernetes.io/tls";

    /// <summary>Certificates this close to expiry are reported.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public static TranslationResult<TlsCertificate> Translate(V1Secret secret, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var errors = new List<string>();
        if (secret.Type != TlsSecretType)
        {
            errors.Add($"type: \"{secret.Type}\" is not \"{TlsSecretType}\"");
            return TranslationResult.Failed<TlsCertificate>(errors);
        }

        var certificatePem = Value(secret, "tls.crt");
        var keyPem = Value(secret, "tls.key");
        if (string.IsNullOrWhiteSpace(certificatePem))
        {
            errors.Add("data[tls.crt]: required");
        }

        if (string.IsNullOrWhiteSpace(keyPem))
        {
            errors.Add("data[tls.key]: required");
        }

        if (errors.Count > 0)
        {
            return TranslationResult.Failed<TlsCertificate>(errors);
        }

        X509Certificate2 leaf;
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(certificatePem);
            if (chain.Count == 0)
            {
                errors.Add("data[tls.crt]: no PEM \"CERTIFICATE\" block found");
                return TranslationResult.Failed<TlsCertificate>(errors);
            }

            foreach (var certificate in chain)
            {
                certificate.Dispose();
            }

            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            errors.Add($"data[tls.crt], data[tls.key]: not a usable certificate and private key: {Describe(e)}");
            return TranslationResult.Failed<TlsCertificate>(errors);
        }
        catch (ArgumentException e)
        {
            errors.Add($"data[tls.crt], data[tls.key]: not a usable certificate and private key: {Describe(e)}");
            return TranslationResult.Failed<TlsCertificate>(errors);
        }

        using (leaf)
        {
            var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
            if (notAfter <= now)
            {
                errors.Add($"data[tls.crt]: the certificate expired at {notAfter:u}");
            }
            else if (notBefore > now)
            {
                errors.Add($"data[tls.crt]: the certificate is not valid before {notBefore:u}");
            }

            if (errors.Count > 0)
            {
                return TranslationResult.Failed<TlsCertificate>(errors);
            }

            return TranslationResult.Ok(new TlsCertificate(
                ClusterObjects.NamespaceOf(secret.Metadata),
                secret.Metadata?.Name ?? string.Empty,
                certificatePem!,
                keyPem!,
                leaf.GetCertHashString(HashAlgorithmName.SHA256),
                notBefore,
                notAfter,
                DnsNames(leaf)));
        }
    }

    /// <summary>A key of the Secret: <c>stringData</c> wins over <c>data</c>, as the API server merges them.</summary>
    private static string? Value(V1Secret secret, string key) =>
        secret.StringData?.TryGetValue(key, out var text) == true ? text
        : secret.Data?.TryGetValue(key, out var bytes) == true && bytes is not null ? Encoding.UTF8.GetString(bytes)
        : null;

    private static ImmutableArray<string> DnsNames(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } commonName)
        {
            names.Add(commonName);
        }

        return [.. names];
    }

    /// <summary>The exception's message, which for PEM and key errors describes the problem without quoting input.</summary>
    private static string Describe(Exception e) => e.Message.Split('\n')[0].Trim();
}

using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// A host's client-certificate check, ready for requests: the CA bundle parsed once per config version, and
/// each client certificate's verdict remembered (by thumbprint), so a chain is built once per certificate,
/// not per request. Verdicts are nginx's <c>$ssl_client_verify</c> values: <c>SUCCESS</c> or <c>FAILED:reason</c>.
/// </summary>
public sealed class ClientCertificatePolicy
{
    private const int RememberedLimit = 10_000;
    private readonly X509Certificate2Collection _authorities = [];
    private readonly ConcurrentDictionary<string, string> _verdicts = new(StringComparer.Ordinal);

    public ClientCertificatePolicy(ClientCertificateAuth auth)
    {
        Auth = auth ?? throw new ArgumentNullException(nameof(auth));
        if (auth.CaPem is { } pem)
        {
            _authorities.ImportFromPem(pem);
        }
    }

    public ClientCertificateAuth Auth { get; }

    /// <summary>Whether <paramref name="certificate"/> chains to the bundle within the depth.</summary>
    public string Verify(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_verdicts.TryGetValue(certificate.Thumbprint, out var known))
        {
            return known;
        }

        var verdict = CertificateChain.Failure(certificate, _authorities, Auth.Depth) is { } failure ? $"FAILED:{failure}" : "SUCCESS";

        if (_verdicts.Count >= RememberedLimit)
        {
            _verdicts.Clear();
        }

        _verdicts[certificate.Thumbprint] = verdict;
        return verdict;
    }
}

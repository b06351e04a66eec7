using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

/// <summary>
/// A validated certificate from a <c>kubernetes.io/tls</c> Secret: the PEM chain (leaf first) and key as the
/// Secret holds them, and what was read from the leaf. It travels to every silo with the config; its
/// <see cref="ToString"/> and every view of it leave the key out.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.TlsCertificate")]
public sealed record TlsCertificate(
    string Namespace,
    string Name,
    string CertificatePem,
    string PrivateKeyPem,
    string Fingerprint,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    ImmutableArray<string> DnsNames)
{
    /// <summary><c>namespace/name</c> of the Secret.</summary>
    public string Key => ObjectKeys.Of(Namespace, Name);

    public bool Equals(TlsCertificate? other) =>
        ReferenceEquals(this, other) || (other is not null
        && Namespace == other.Namespace
        && Name == other.Name
        && Fingerprint == other.Fingerprint
        && CertificatePem == other.CertificatePem
        && PrivateKeyPem == other.PrivateKeyPem);

    public override int GetHashCode() => HashCode.Combine(Namespace, Name, Fingerprint);

    public override string ToString() => $"Secret {Key} (SHA-256 {Fingerprint}, not after {NotAfter:u})";
}

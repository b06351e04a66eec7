using System.Collections.Immutable;

namespace IngressFleet.Model;

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

/// <summary>One entry of an Ingress's <c>spec.tls</c>: hosts served with the certificate of a Secret in the Ingress's namespace.</summary>
/// <param name="Hosts">Exact or wildcard (<c>*.example.com</c>) host names.</param>
/// <param name="SecretName">The Secret; null means the default certificate.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.TlsBinding")]
public sealed record TlsBinding(ImmutableArray<string> Hosts, string? SecretName)
{
    public bool Equals(TlsBinding? other) =>
        other is not null && SecretName == other.SecretName && Hosts.AsSpan().SequenceEqual(other.Hosts.AsSpan());

    public override int GetHashCode() => HashCode.Combine(SecretName, Hosts.Length);
}

/// <summary>How requests reach a backend's pods.</summary>
public enum BackendProtocol
{
    /// <summary>HTTPS when the Service port is named <c>https</c> or is 443, else HTTP/1.1.</summary>
    Auto,
    Http,
    Https,

    /// <summary>HTTP/2 without TLS (prior knowledge).</summary>
    H2c,

    /// <summary>gRPC: HTTP/2 without TLS.</summary>
    Grpc,

    /// <summary>gRPC over TLS.</summary>
    Grpcs,
}

/// <summary>Per-Ingress behaviour set by annotations.</summary>
/// <param name="SslRedirect">Plain-HTTP requests for a host this Ingress serves with TLS get a 308 to HTTPS.</param>
/// <param name="Hsts">The <c>Strict-Transport-Security</c> value added to its HTTPS responses, or none.</param>
/// <param name="BackendProtocol">How its backends are spoken to.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.IngressOptions")]
public sealed record IngressOptions(bool SslRedirect, string? Hsts, BackendProtocol BackendProtocol)
{
    public static IngressOptions Default { get; } = new(SslRedirect: true, Hsts: null, BackendProtocol.Auto);

    /// <summary>How its requests pick a destination.</summary>
    [Id(0)]
    public TrafficPolicy Traffic { get; init; } = TrafficPolicy.Default;

    /// <summary>The fleet-wide cap on requests in flight to each of its backends, if any.</summary>
    [Id(1)]
    public ConnectionLimit? ConnectionLimit { get; init; }

    /// <summary>The fleet-wide rate limit on its requests, if any.</summary>
    [Id(2)]
    public RateLimit? RateLimit { get; init; }

    /// <summary>How its backends' destinations are judged healthy.</summary>
    [Id(3)]
    public HealthPolicy Health { get; init; } = HealthPolicy.Default;
}

using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

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

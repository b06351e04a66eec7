using System.Collections.Immutable;
using IngressFleet.Core.Routing;

namespace IngressFleet.Core.Model;

/// <summary>
/// The validated routing content of one Ingress object: what its route grain holds and what every
/// proxy merges into its table. Equality compares the rules by value, since it decides whether a
/// change is published at all.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.IngressRoutes")]
public sealed record IngressRoutes(
    string Namespace,
    string Name,
    DateTimeOffset CreatedAt,
    ImmutableArray<RouteRule> Rules,
    BackendRef? DefaultBackend)
{
    /// <summary>
    /// The name of the entry that stands for the global default backend (<c>DefaultBackendService</c>): not a valid
    /// object name, which the translation refuses, so no Ingress can take it.
    /// </summary>
    public const string GlobalDefaultName = "--default-backend";

    /// <summary><c>namespace/name</c>.</summary>
    public string Key => ObjectKeys.Of(Namespace, Name);

    /// <summary>True for the entry of the global default backend, which answers only what no Ingress does.</summary>
    [Id(2)]
    public bool IsGlobalDefault { get; init; }

    /// <summary>The entry of the global default backend: the youngest of all, so any Ingress's catch-all wins over it.</summary>
    public static IngressRoutes GlobalDefault(BackendRef backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return new IngressRoutes(backend.Namespace, GlobalDefaultName, DateTimeOffset.MaxValue, [], backend) { IsGlobalDefault = true };
    }

    /// <summary>Its <c>spec.tls</c>: which hosts are served over HTTPS, with which Secret's certificate.</summary>
    [Id(0)]
    public ImmutableArray<TlsBinding> Tls { get; init; } = [];

    /// <summary>What its annotations set.</summary>
    [Id(1)]
    public IngressOptions Options { get; init; } = IngressOptions.Default;

    /// <summary>True when a <c>spec.tls</c> entry names <paramref name="host"/> (exactly, or by a wildcard covering it).</summary>
    public bool HasTlsFor(string? host) =>
        host is not null && Tls.Any(t => t.Hosts.Any(h => HostName.Covers(h, host)));

    /// <summary>
    /// True when it shapes TLS handshakes: it binds hosts to certificates, asks clients for certificates, or
    /// passes TLS through to its backend. Only such Ingresses go into the certificate table.
    /// </summary>
    public bool TakesPartInHandshake => !Tls.IsEmpty || Options.ClientCertificate is not null || Options.SslPassthrough;

    /// <summary>Every backend this Ingress refers to, the default backend and the error backend included.</summary>
    public IEnumerable<BackendRef> Backends =>
        Rules.Select(r => r.Backend)
            .Concat(DefaultBackend is null ? [] : [DefaultBackend])
            .Concat(Options.ErrorBackend is null ? [] : [Options.ErrorBackend]);

    public bool Equals(IngressRoutes? other) =>
        ReferenceEquals(this, other) || (other is not null
        && Namespace == other.Namespace
        && Name == other.Name
        && CreatedAt == other.CreatedAt
        && Equals(DefaultBackend, other.DefaultBackend)
        && IsGlobalDefault == other.IsGlobalDefault
        && Options == other.Options
        && Rules.AsSpan().SequenceEqual(other.Rules.AsSpan())
        && Tls.AsSpan().SequenceEqual(other.Tls.AsSpan()));

    public override int GetHashCode() => HashCode.Combine(Namespace, Name, CreatedAt, Rules.Length);
}

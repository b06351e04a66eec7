using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

/// <summary>
/// What changes between two config versions: items upserted by key and keys removed, for each of the
/// three kinds of item. Empty when nothing differs.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ConfigChange")]
public sealed record ConfigChange(
    ImmutableArray<IngressRoutes> Ingresses,
    ImmutableArray<string> RemovedIngresses,
    ImmutableArray<BackendEndpoints> Backends,
    ImmutableArray<string> RemovedBackends,
    ImmutableArray<ObjectProblem> Problems,
    ImmutableArray<string> RemovedProblems,
    ImmutableArray<TlsCertificate> Certificates,
    ImmutableArray<string> RemovedCertificates)
{
    public static ConfigChange Empty { get; } = new([], [], [], [], [], [], [], []);

    public bool IsEmpty =>
        Ingresses.IsEmpty && RemovedIngresses.IsEmpty && Backends.IsEmpty
        && RemovedBackends.IsEmpty && Problems.IsEmpty && RemovedProblems.IsEmpty
        && Certificates.IsEmpty && RemovedCertificates.IsEmpty;

    /// <summary>True when certificates or Ingresses (whose <c>spec.tls</c> binds hosts to certificates) changed.</summary>
    public bool TouchesTls => !Certificates.IsEmpty || !RemovedCertificates.IsEmpty || !Ingresses.IsEmpty || !RemovedIngresses.IsEmpty;

    /// <summary>True when only backends changed: the route table can be kept, only destinations move.</summary>
    public bool TouchesOnlyBackends =>
        Ingresses.IsEmpty && RemovedIngresses.IsEmpty && Problems.IsEmpty && RemovedProblems.IsEmpty
        && Certificates.IsEmpty && RemovedCertificates.IsEmpty;

    public int Count =>
        Ingresses.Length + RemovedIngresses.Length + Backends.Length + RemovedBackends.Length + Problems.Length + RemovedProblems.Length
        + Certificates.Length + RemovedCertificates.Length;
}

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

    /// <summary>
    /// True when certificates changed, or an Ingress that has or had a part in the handshake (see
    /// <see cref="IngressRoutes.TakesPartInHandshake"/>): any other change leaves the certificate table as it was.
    /// </summary>
    /// <param name="before">Every Ingress before the change.</param>
    public bool TouchesTls(IReadOnlyDictionary<string, IngressRoutes> before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return !Certificates.IsEmpty || !RemovedCertificates.IsEmpty
            || Ingresses.Any(i => i.TakesPartInHandshake || (before.TryGetValue(i.Key, out var old) && old.TakesPartInHandshake))
            || RemovedIngresses.Any(k => before.TryGetValue(k, out var old) && old.TakesPartInHandshake);
    }

    /// <summary>True when only backends changed: the route table can be kept, only destinations move.</summary>
    public bool TouchesOnlyBackends =>
        Ingresses.IsEmpty && RemovedIngresses.IsEmpty && Problems.IsEmpty && RemovedProblems.IsEmpty
        && Certificates.IsEmpty && RemovedCertificates.IsEmpty;

    public int Count =>
        Ingresses.Length + RemovedIngresses.Length + Backends.Length + RemovedBackends.Length + Problems.Length + RemovedProblems.Length
        + Certificates.Length + RemovedCertificates.Length;
}

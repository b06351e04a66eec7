using System.Collections.Immutable;

namespace IngressFleet.Model;

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

/// <summary>A change published on the config stream: it turns <see cref="PreviousVersion"/> into <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ConfigDelta")]
public sealed record ConfigDelta(long PreviousVersion, long Version, ConfigChange Change)
{
    /// <summary>The change was too large to send on the stream: fetch the snapshot of <see cref="Version"/>.</summary>
    [Id(0)]
    public bool SnapshotRequired { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the commit, when it was traced: each silo's apply joins that trace, so
    /// one config change is one trace across the fleet (stream events carry no trace context of their own).
    /// </summary>
    [Id(1)]
    public string? TraceParent { get; init; }

    /// <summary>When the control plane committed this version, to measure each silo's propagation lag.</summary>
    [Id(2)]
    public DateTimeOffset CommittedAt { get; init; }
}

/// <summary>
/// The whole routing config at one version: every Ingress's routes, every referenced backend's
/// endpoints, and every rejected input. Replaced whole, never mutated; the same type is the control
/// plane's snapshot and each proxy's applied state, so both apply changes with the same code.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.RoutingConfig")]
public sealed record RoutingConfig(
    long Version,
    ImmutableDictionary<string, IngressRoutes> Ingresses,
    ImmutableDictionary<string, BackendEndpoints> Backends,
    ImmutableDictionary<string, ObjectProblem> Problems,
    ImmutableDictionary<string, TlsCertificate> Certificates)
{
    public static RoutingConfig Empty { get; } = new(
        0,
        ImmutableDictionary<string, IngressRoutes>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, BackendEndpoints>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ObjectProblem>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, TlsCertificate>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>Applies a change and stamps the result with <paramref name="version"/>.</summary>
    public RoutingConfig Apply(ConfigChange change, long version) => new(
        version,
        Ingresses.RemoveRange(change.RemovedIngresses).SetItems(change.Ingresses.Select(i => KeyValuePair.Create(i.Key, i))),
        Backends.RemoveRange(change.RemovedBackends).SetItems(change.Backends.Select(b => KeyValuePair.Create(b.Key, b))),
        Problems.RemoveRange(change.RemovedProblems).SetItems(change.Problems.Select(p => KeyValuePair.Create(p.Key, p))),
        Certificates.RemoveRange(change.RemovedCertificates).SetItems(change.Certificates.Select(c => KeyValuePair.Create(c.Key, c))));

    /// <summary>
    /// Applies a delta that starts at this version. Returns null when it does not (a gap or a stale
    /// delta): the caller must then fetch a snapshot rather than guess.
    /// </summary>
    public RoutingConfig? TryApply(ConfigDelta delta) =>
        delta.PreviousVersion == Version && !delta.SnapshotRequired ? Apply(delta.Change, delta.Version) : null;

    /// <summary>What turns this config into <paramref name="desired"/> (versions are ignored).</summary>
    public ConfigChange DiffTo(RoutingConfig desired)
    {
        var (ingresses, removedIngresses) = Diff(Ingresses, desired.Ingresses);
        var (backends, removedBackends) = Diff(Backends, desired.Backends);
        var (problems, removedProblems) = Diff(Problems, desired.Problems);
        var (certificates, removedCertificates) = Diff(Certificates, desired.Certificates);
        return new ConfigChange(ingresses, removedIngresses, backends, removedBackends, problems, removedProblems, certificates, removedCertificates);
    }

    private static (ImmutableArray<T> Upserts, ImmutableArray<string> Removals) Diff<T>(
        ImmutableDictionary<string, T> current, ImmutableDictionary<string, T> desired)
        where T : class
    {
        var upserts = desired
            .Where(kv => !current.TryGetValue(kv.Key, out var existing) || !existing.Equals(kv.Value))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Value)
            .ToImmutableArray();
        var removals = current.Keys
            .Where(k => !desired.ContainsKey(k))
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return (upserts, removals);
    }
}

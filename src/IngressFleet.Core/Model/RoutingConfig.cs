using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

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

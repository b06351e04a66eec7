using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

/// <summary>The health of every backend at one version, as every silo applies it.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthSnapshot")]
public sealed record HealthSnapshot(long Version, ImmutableDictionary<string, BackendHealth> Backends)
{
    public static HealthSnapshot Empty { get; } = new(0, ImmutableDictionary<string, BackendHealth>.Empty.WithComparers(StringComparer.Ordinal));

    public HealthSnapshot Apply(BackendHealth backend, long version)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return new(version, backend.Ejected.IsEmpty && backend.Prober is null ? Backends.Remove(backend.Backend) : Backends.SetItem(backend.Backend, backend));
    }
}

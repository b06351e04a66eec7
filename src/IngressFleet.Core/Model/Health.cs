using System.Collections.Immutable;

namespace IngressFleet.Model;

/// <summary>A destination that takes no new requests, why, since when, until when, and who decided it.</summary>
/// <param name="Destination">The destination, <c>ip:port</c>.</param>
/// <param name="Reason">What the decision was based on, e.g. "6 of 8 requests failed in 10 s".</param>
/// <param name="Since">When it was ejected.</param>
/// <param name="Until">When it returns without a probe; null while active probing holds it out.</param>
/// <param name="DecidedBy">The silo whose backend grain decided it.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.EjectedDestination")]
public sealed record EjectedDestination(string Destination, string Reason, DateTimeOffset Since, DateTimeOffset? Until, string DecidedBy);

/// <summary>The fleet's view of one backend's health: its ejected destinations, and the silo that probes it.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.BackendHealth")]
public sealed record BackendHealth(string Backend, ImmutableArray<EjectedDestination> Ejected, string? Prober)
{
    public bool Equals(BackendHealth? other) =>
        ReferenceEquals(this, other) || (other is not null
        && Backend == other.Backend
        && Prober == other.Prober
        && Ejected.AsSpan().SequenceEqual(other.Ejected.AsSpan()));

    public override int GetHashCode() => HashCode.Combine(Backend, Prober, Ejected.Length);
}

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

/// <summary>One backend's new health, turning <see cref="PreviousVersion"/> into <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthDelta")]
public sealed record HealthDelta(long PreviousVersion, long Version, BackendHealth Backend);

/// <summary>What one silo saw of one destination since its last report.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.DestinationOutcome")]
public sealed record DestinationOutcome(string Destination, int Successes, int Failures);

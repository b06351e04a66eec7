using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

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

using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

/// <summary>
/// A backend resolved against its Service and endpoints: what its backend grain holds.
/// <see cref="Problem"/> says why there is nothing to send to (no such Service, no such port); an empty
/// <see cref="Destinations"/> without a problem means no endpoint is ready. Both answer 503.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.BackendEndpoints")]
public sealed record BackendEndpoints(BackendRef Backend, ImmutableArray<Destination> Destinations, string? Problem)
{
    public string Key => Backend.Key;

    /// <summary>The Service port speaks TLS (named <c>https</c>, or 443): HTTPS unless an Ingress says otherwise.</summary>
    [Id(0)]
    public bool Tls { get; init; }

    /// <summary>How its destinations are judged healthy: from the oldest Ingress that sends to it.</summary>
    [Id(1)]
    public HealthPolicy Health { get; init; } = HealthPolicy.Default;

    public bool Equals(BackendEndpoints? other) =>
        ReferenceEquals(this, other) || (other is not null
        && Backend == other.Backend
        && Problem == other.Problem
        && Tls == other.Tls
        && Health == other.Health
        && Destinations.AsSpan().SequenceEqual(other.Destinations.AsSpan()));

    public override int GetHashCode() => HashCode.Combine(Backend, Problem, Destinations.Length);
}

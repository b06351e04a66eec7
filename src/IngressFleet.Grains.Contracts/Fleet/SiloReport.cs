namespace IngressFleet.Grains.Contracts.Fleet;

/// <summary>What one silo says of itself, every second or so.</summary>
/// <param name="Silo">The silo's address (Orleans identity).</param>
/// <param name="Name">The silo's name (pod name in Kubernetes).</param>
/// <param name="HttpPort">Its proxy port.</param>
/// <param name="AdminPort">Its admin port.</param>
/// <param name="AppliedVersion">The config version it serves.</param>
/// <param name="AppliedAt">When it applied that version, by its clock.</param>
/// <param name="Ready">Whether its readiness check passes.</param>
/// <param name="RunsSource">Whether it holds the source lease.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.SiloReport")]
public sealed record SiloReport(
    string Silo,
    string Name,
    int HttpPort,
    int AdminPort,
    long AppliedVersion,
    DateTimeOffset AppliedAt,
    bool Ready,
    bool RunsSource)
{
    /// <summary>Requests per second it answered since its previous report.</summary>
    [Id(0)]
    public double RequestsPerSecond { get; init; }

    /// <summary>Requests it is answering now.</summary>
    [Id(1)]
    public long InFlight { get; init; }

    /// <summary>The versions it applied lately, oldest first, with when (for how long each took to reach every silo).</summary>
    [Id(2)]
    public System.Collections.Immutable.ImmutableArray<AppliedVersion> RecentlyApplied { get; init; } = [];

    /// <summary>Whether it is shutting down (draining its connections).</summary>
    [Id(3)]
    public bool Draining { get; init; }

    /// <summary>When it started, by its clock (a version committed before was one it had to receive).</summary>
    [Id(4)]
    public DateTimeOffset StartedAt { get; init; }
}

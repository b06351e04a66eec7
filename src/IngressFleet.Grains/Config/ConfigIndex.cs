using IngressFleet.Core.Model;
using Orleans.Streams;

namespace IngressFleet.Grains.Config;

/// <summary>What the config grain persists: the version and which route and backend grains hold config.</summary>
[GenerateSerializer, Alias("ingressfleet.ConfigIndex")]
public sealed class ConfigIndex
{
    [Id(0)] public long Version { get; set; }

    [Id(1)] public HashSet<string> Ingresses { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public HashSet<string> Backends { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public Dictionary<string, ObjectProblem> Problems { get; set; } = new(StringComparer.Ordinal);

    [Id(4)] public bool SourceSynced { get; set; }

    [Id(5)] public long SourceTerm { get; set; }

    [Id(6)] public HashSet<string> Certificates { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The index at <paramref name="version"/>, synced by <paramref name="sourceTerm"/>, indexing what <paramref name="config"/> holds.</summary>
    public static ConfigIndex Of(long version, long sourceTerm, RoutingConfig config) => new()
    {
        Version = version,
        SourceSynced = true,
        SourceTerm = sourceTerm,
        Ingresses = [.. config.Ingresses.Keys],
        Backends = [.. config.Backends.Keys],
        Certificates = [.. config.Certificates.Keys],
        Problems = new Dictionary<string, ObjectProblem>(config.Problems, StringComparer.Ordinal),
    };

    /// <summary>Whether a commit from <paramref name="sourceTerm"/> must be refused: a newer term has committed since.</summary>
    public bool Fences(long sourceTerm) => sourceTerm < SourceTerm;
}

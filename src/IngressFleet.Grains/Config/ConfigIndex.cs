using IngressFleet.Core.Model;

namespace IngressFleet.Grains.Config;

/// <summary>
/// What the config grain persists in its own state: the version and the source's term. Which route, backend and
/// certificate grains hold config is kept in <see cref="ConfigIndexShards"/>; the sets here are read only from
/// indexes written before the shards existed, and written empty.
/// </summary>
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

    /// <summary>True when this index was written before the shards existed and still lists the config's items itself.</summary>
    public bool HoldsMembership => Ingresses.Count > 0 || Backends.Count > 0 || Problems.Count > 0 || Certificates.Count > 0;

    /// <summary>The index at <paramref name="version"/>, synced by <paramref name="sourceTerm"/>.</summary>
    public static ConfigIndex Of(long version, long sourceTerm) => new()
    {
        Version = version,
        SourceSynced = true,
        SourceTerm = sourceTerm,
    };

    /// <summary>Whether a commit from <paramref name="sourceTerm"/> must be refused: a newer term has committed since.</summary>
    public bool Fences(long sourceTerm) => sourceTerm < SourceTerm;
}

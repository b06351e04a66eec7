using IngressFleet.Core.Model;

namespace IngressFleet.Grains.Config;

/// <summary>One shard of the config index: which Ingress, backend and certificate grains hold config, and the problems, for the keys that hash to it.</summary>
[GenerateSerializer, Alias("ingressfleet.ConfigIndexShard")]
public sealed class ConfigIndexShard
{
    [Id(0)] public HashSet<string> Ingresses { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public HashSet<string> Backends { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public HashSet<string> Certificates { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public Dictionary<string, ObjectProblem> Problems { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The config version this shard was last written for: above the index's version, a commit was cut off after its shards were stored.</summary>
    [Id(4)] public long Version { get; set; }

    /// <summary>A copy to change, so the stored state stays as it was until a write succeeds.</summary>
    public ConfigIndexShard Copy() => new()
    {
        Ingresses = new(Ingresses, StringComparer.Ordinal),
        Backends = new(Backends, StringComparer.Ordinal),
        Certificates = new(Certificates, StringComparer.Ordinal),
        Problems = new(Problems, StringComparer.Ordinal),
        Version = Version,
    };
}

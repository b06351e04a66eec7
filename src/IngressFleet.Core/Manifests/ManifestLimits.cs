namespace IngressFleet.Core.Manifests;

/// <summary>Bounds on one manifest file, so hostile or broken input fails alone instead of taking the process down.</summary>
public sealed record ManifestLimits
{
    public static ManifestLimits Default { get; } = new();

    /// <summary>Largest file read, in bytes. Default 32 MiB.</summary>
    public long MaxFileBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences. Default 64; Kubernetes objects need about 12.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most YAML aliases in a file (merge keys expand them). Default 1,000.</summary>
    public int MaxAliases { get; init; } = 1000;

    /// <summary>
    /// Most nodes that aliases may add to a file once expanded. Default 10,000. A few aliases to large
    /// anchors multiply (an alias of an alias of ...), so counting aliases alone does not bound the objects built.
    /// </summary>
    public int MaxAliasExpansionNodes { get; init; } = 10_000;

    /// <summary>Most documents in a file. Default 200,000.</summary>
    public int MaxDocuments { get; init; } = 200_000;
}

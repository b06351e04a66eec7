namespace IngressFleet.Sources.Publishing;

/// <summary>Where a fleet's Kubernetes objects come from.</summary>
public enum SourceKind
{
    /// <summary>A folder of YAML/JSON manifests, watched.</summary>
    Manifests,

    /// <summary>The Kubernetes API server: list and watch.</summary>
    Kubernetes,
}

using System.ComponentModel.DataAnnotations;
using IngressFleet.Core.Translation;

namespace IngressFleet.Sources.Publishing;

/// <summary>Where a fleet's Kubernetes objects come from, and how the one silo that reads them is chosen.</summary>
public sealed class SourceOptions : IValidatableObject
{
    /// <summary>The manifest folder to read (the source when <see cref="Source"/> is not set).</summary>
    public string? Manifests { get; set; }

    /// <summary>Where Kubernetes objects come from: the manifest folder, or the API server. Default: the folder when one is given.</summary>
    public SourceKind? Source { get; set; }

    /// <summary>The kubeconfig to reach the API server with, out of cluster; in a pod, the service account is used when this is unset.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Comma-separated namespaces to watch; all when unset.</summary>
    public string? Namespaces { get; set; }

    /// <summary>The Service (<c>namespace/name</c>, type LoadBalancer) whose load-balancer addresses are written to Ingress status.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    public string? PublishService { get; set; }

    /// <summary>Comma-separated IPs or host names written to Ingress status instead of a Service's addresses.</summary>
    public string? PublishStatusAddress { get; set; }

    /// <summary>How long the source lease lasts unless renewed: the longest a fleet goes without a source after its holder dies. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SourceLeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the manifest folder is rescanned in case a file-system event was missed. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ManifestPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after a file event the folder is read, so a burst of writes is read once. Default 10 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ManifestDebounce { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long the source may fail to read its input before readiness detail says so. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SourceUnreadableAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a Kubernetes watch runs before it is renewed from its last resourceVersion. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The source that runs: <see cref="Source"/>, else the manifest folder when one is given, else none.</summary>
    public SourceKind? EffectiveSource => Source ?? (string.IsNullOrEmpty(Manifests) ? null : SourceKind.Manifests);

    /// <summary>The namespaces to watch, or empty for all.</summary>
    public IReadOnlyList<string> WatchedNamespaces =>
        string.IsNullOrWhiteSpace(Namespaces) ? [] : [.. Namespaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Source == SourceKind.Manifests && string.IsNullOrEmpty(Manifests))
        {
            yield return new ValidationResult("--source manifests needs --manifests DIR", [nameof(Manifests)]);
        }

        foreach (var ns in WatchedNamespaces.Where(n => !KubernetesNames.IsDns1123Subdomain(n)))
        {
            yield return new ValidationResult($"Namespaces: \"{ns}\" is not a namespace name", [nameof(Namespaces)]);
        }
    }
}

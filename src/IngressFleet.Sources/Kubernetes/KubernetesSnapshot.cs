using IngressFleet.Core.Translation;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>The objects the Kubernetes source would read, listed once (for the migration check, which runs no fleet).</summary>
public static class KubernetesSnapshot
{
    /// <summary>
    /// Every collection listed once from <paramref name="kubeconfig"/>'s API server, else the pod's service account,
    /// else <c>KUBECONFIG</c> or <c>~/.kube/config</c>, as the source connects.
    /// </summary>
    /// <param name="namespaces">The namespaces read; none for all.</param>
    public static async Task<ClusterObjects> ReadAsync(string? kubeconfig, IReadOnlyCollection<string> namespaces, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaces);
        using var api = new KubernetesApi(KubernetesApi.Configuration(kubeconfig));
        var collections = new KubernetesCollections(api, namespaces, null, () => { }, TimeProvider.System, logger, TimeSpan.FromMinutes(5), null);
        await Task.WhenAll(collections.All.Select(r => r.ListOnceAsync(cancellationToken)));
        return collections.Snapshot();
    }
}

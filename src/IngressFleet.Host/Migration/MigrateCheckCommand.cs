using IngressFleet.Core.Manifests;
using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Migration;

namespace IngressFleet.Host.Migration;

/// <summary>
/// <c>IngressFleet.Host migrate-check (--manifests DIR | --kubeconfig FILE | --source kubernetes) [--namespaces a,b]
/// [--format markdown|json] [--ingress-class nginx]</c>: reads the Ingresses a cluster runs with ingress-nginx (YAML
/// files, e.g. <c>kubectl get ingress,secret -A -o yaml</c>, or the API server itself, read once as the Kubernetes source
/// reads it) and says, per Ingress and annotation, what carries over. Exit code 0 when every Ingress carries over as
/// it is, 1 when any would be served differently or not at all, 2 for a usage error.
/// </summary>
internal static class MigrateCheckCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        string? folder = null;
        string? kubeconfig = null;
        var kubernetes = false;
        var namespaces = Array.Empty<string>();
        var format = "markdown";
        var className = "nginx";
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--manifests" when value is not null:
                    folder = value;
                    i++;
                    break;
                case "--kubeconfig" when value is not null:
                    kubeconfig = value;
                    kubernetes = true;
                    i++;
                    break;
                case "--source" when value == "kubernetes":
                    kubernetes = true;
                    i++;
                    break;
                case "--namespaces" when value is not null:
                    namespaces = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    i++;
                    break;
                case "--format" when value is "markdown" or "json":
                    format = value;
                    i++;
                    break;
                case "--ingress-class" when value is not null:
                    className = value;
                    i++;
                    break;
                default:
                    throw new ArgumentException($"migrate-check: unexpected {args[i]}; usage: {Usage}");
            }
        }

        if (kubernetes == (folder is not null))
        {
            throw new ArgumentException($"migrate-check: give one of --manifests, --kubeconfig or --source kubernetes; usage: {Usage}");
        }

        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentException($"migrate-check: --manifests must name a folder (got {folder})");
        }

        var objects = folder is not null ? await ReadFolderAsync(folder) : await ReadApiServerAsync(kubeconfig, namespaces);
        var report = MigrationReport.Build(objects, new IngressClassFilter(className, ServeIngressesWithoutClass: true));
        await output.WriteAsync(format == "json" ? MigrationReport.ToJson(report) : MigrationReport.ToMarkdown(report));
        return report.Any(r => r.Differs) ? 1 : 0;
    }

    private const string Usage = "migrate-check (--manifests DIR | --kubeconfig FILE | --source kubernetes) [--namespaces a,b] [--format markdown|json] [--ingress-class NAME]";

    private static async Task<ClusterObjects> ReadFolderAsync(string folder)
    {
        var objects = new List<object>();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetExtension(p) is ".yaml" or ".yml" or ".json").Order(StringComparer.Ordinal))
        {
            var file = ManifestParser.Parse(await File.ReadAllTextAsync(path), Path.GetRelativePath(folder, path));
            objects.AddRange(file.Objects);
            foreach (var problem in file.Problems)
            {
                await Console.Error.WriteLineAsync($"migrate-check: {problem.Source}: {string.Join("; ", problem.Reasons)}");
            }
        }

        return ClusterObjects.From(objects);
    }

    /// <summary>The API server read once, as the Kubernetes source reads it; a failure is the check's failure (exit 2), with the server's answer.</summary>
    private static async Task<ClusterObjects> ReadApiServerAsync(string? kubeconfig, string[] namespaces)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            return await Sources.Kubernetes.KubernetesSnapshot.ReadAsync(kubeconfig, namespaces, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or Sources.Kubernetes.KubernetesApiException or k8s.Exceptions.KubeConfigException or OperationCanceledException or IOException)
        {
            throw new ArgumentException($"migrate-check: reading the API server failed: {e.Message}", e);
        }
    }
}

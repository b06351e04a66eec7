using IngressFleet.Core.Manifests;
using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Migration;

namespace IngressFleet.Host.Migration;

/// <summary>
/// <c>IngressFleet.Host migrate-check --manifests DIR [--format markdown|json] [--ingress-class nginx]</c>:
/// reads the Ingresses a cluster runs with ingress-nginx (as YAML, e.g. <c>kubectl get ingress -A -o yaml</c>
/// split into files) and says, per Ingress and annotation, what carries over. Exit code 0 when every Ingress
/// carries over as it is, 1 when any would be served differently or not at all, 2 for a usage error.
/// </summary>
internal static class MigrateCheckCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        string? folder = null;
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
                case "--format" when value is "markdown" or "json":
                    format = value;
                    i++;
                    break;
                case "--ingress-class" when value is not null:
                    className = value;
                    i++;
                    break;
                default:
                    throw new ArgumentException($"migrate-check: unexpected {args[i]}; usage: migrate-check --manifests DIR [--format markdown|json] [--ingress-class NAME]");
            }
        }

        if (folder is null || !Directory.Exists(folder))
        {
            throw new ArgumentException($"migrate-check: --manifests must name a folder (got {folder ?? "nothing"})");
        }

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

        var report = MigrationReport.Build(ClusterObjects.From(objects), new IngressClassFilter(className, ServeIngressesWithoutClass: true));
        await output.WriteAsync(format == "json" ? MigrationReport.ToJson(report) : MigrationReport.ToMarkdown(report));
        return report.Any(r => r.Differs) ? 1 : 0;
    }
}

using System.Collections.Immutable;
using IngressFleet.Model;

namespace IngressFleet.Translation;

/// <summary>
/// The whole translation: Kubernetes objects in, the desired <see cref="RoutingConfig"/> out. Pure and
/// deterministic, so every silo that holds the same objects computes the same config.
/// </summary>
public static class ConfigTranslator
{
    /// <param name="objects">The objects the source holds now.</param>
    /// <param name="filter">Which Ingresses are ours.</param>
    /// <param name="lastGood">The config in force: an Ingress that fails validation keeps its entry from here.</param>
    /// <param name="sourceProblems">Problems the source found before translation (unreadable files, ...).</param>
    /// <param name="cache">Results of earlier translations, reused for the same object instances; optional.</param>
    /// <returns>The desired config; its version is that of <paramref name="lastGood"/>, the committer sets the next.</returns>
    public static RoutingConfig Translate(
        ClusterObjects objects,
        IngressClassFilter filter,
        RoutingConfig lastGood,
        IEnumerable<ObjectProblem> sourceProblems,
        IngressTranslationCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(lastGood);

        var ingresses = ImmutableDictionary.CreateBuilder<string, IngressRoutes>(StringComparer.Ordinal);
        var problems = ImmutableDictionary.CreateBuilder<string, ObjectProblem>(StringComparer.Ordinal);
        foreach (var problem in sourceProblems)
        {
            problems[problem.Key] = problem;
        }

        foreach (var ingress in objects.Ingresses)
        {
            if (!filter.Serves(ingress, objects.IngressClasses))
            {
                continue;
            }

            var result = cache?.Translate(ingress) ?? IngressTranslator.Translate(ingress);
            var ns = ClusterObjects.NamespaceOf(ingress.Metadata);
            var name = ingress.Metadata?.Name ?? string.Empty;
            var key = ObjectKeys.Of(ns, name);
            if (result.Value is { } routes)
            {
                ingresses[key] = routes;
                continue;
            }

            var problem = new ObjectProblem("Ingress", ns, name, objects.OriginOf("Ingress", ingress.Metadata), result.Errors);
            problems[problem.Key] = problem;
            if (lastGood.Ingresses.TryGetValue(key, out var previous))
            {
                ingresses[key] = previous;
            }
        }

        cache?.EndPass();
        var resolver = new BackendResolver(objects);
        var backends = ImmutableDictionary.CreateBuilder<string, BackendEndpoints>(StringComparer.Ordinal);
        foreach (var backend in ingresses.Values.SelectMany(i => i.Backends))
        {
            if (!backends.ContainsKey(backend.Key))
            {
                backends[backend.Key] = resolver.Resolve(backend);
            }
        }

        return new RoutingConfig(lastGood.Version, ingresses.ToImmutable(), backends.ToImmutable(), problems.ToImmutable());
    }
}

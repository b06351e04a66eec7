using System.Runtime.CompilerServices;
using IngressFleet.Model;
using k8s.Models;

namespace IngressFleet.Translation;

/// <summary>
/// Remembers the translation of each Ingress object instance. Sources hand over the same instance for an
/// object until it changes (a re-read file or a watch event makes a new one), so a change re-translates only
/// what changed. Objects are never mutated after parsing, which is what makes the instance a valid key;
/// entries go when their object is collected. Thread-safe.
/// </summary>
public sealed class IngressTranslationCache
{
    private readonly ConditionalWeakTable<V1Ingress, TranslationResult<IngressRoutes>> _results = [];

    public TranslationResult<IngressRoutes> Translate(V1Ingress ingress) =>
        _results.GetValue(ingress, IngressTranslator.Translate);
}

using IngressFleet.Core.Model;
using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>
/// Remembers the translation of each Ingress object instance from one translation pass to the next.
/// Sources hand over the same instance for an object until it changes (a re-read file or a watch event
/// makes a new one), so a change re-translates only what changed. Objects are never mutated after parsing,
/// which is what makes the instance a valid key. Only the previous pass's entries are kept, so nothing
/// outlives its object by more than one pass; a plain dictionary rather than a ConditionalWeakTable, whose
/// dependent handles every garbage collection would have to scan. Not thread-safe: one source, one pass at a time.
/// </summary>
public sealed class IngressTranslationCache
{
    private Dictionary<V1Ingress, TranslationResult<IngressRoutes>> _previous = new(ReferenceEqualityComparer.Instance);
    private Dictionary<V1Ingress, TranslationResult<IngressRoutes>> _current = new(ReferenceEqualityComparer.Instance);

    public TranslationResult<IngressRoutes> Translate(V1Ingress ingress)
    {
        if (!_current.TryGetValue(ingress, out var result))
        {
            result = _previous.TryGetValue(ingress, out var earlier) ? earlier : IngressTranslator.Translate(ingress);
            _current[ingress] = result;
        }

        return result;
    }

    /// <summary>Ends a pass: what this pass did not ask for is forgotten.</summary>
    public void EndPass()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }
}

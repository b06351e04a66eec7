using System.Collections.Immutable;

namespace IngressFleet.Core.Translation;

/// <summary>
/// One kind of config item (Ingresses, backends, problems, certificates) as a translation pass rebuilds it on the
/// previous pass's dictionary: an item set to what it was changes nothing and is shared, not copied; what the
/// pass does not set or keep is removed at its end. It notes which keys it set, so the difference from the
/// previous dictionary costs what changed, not what the config holds.
/// </summary>
internal sealed class ItemPass<T>
    where T : class
{
    private readonly ImmutableDictionary<string, T> _previous;
    private readonly ImmutableDictionary<string, T>.Builder _items;
    private readonly HashSet<string> _served;
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);

    public ItemPass(ImmutableDictionary<string, T> previous)
    {
        _previous = previous;

        // Compared by reference while the pass runs, so a new instance equal to the one held replaces it: the
        // next pass then finds its translation's own instance and compares by reference again.
        _items = previous.WithComparers(previous.KeyComparer, ReferenceEqualityComparer.Instance).ToBuilder();
        _served = new HashSet<string>(previous.Count, StringComparer.Ordinal);
    }

    /// <summary>Puts <paramref name="value"/> in force under <paramref name="key"/>.</summary>
    public void Set(string key, T value)
    {
        _served.Add(key);
        if (!_items.TryGetValue(key, out var held) || !ReferenceEquals(held, value))
        {
            _items[key] = value;
            _set.Add(key);
        }
    }

    /// <summary>
    /// Puts <paramref name="value"/>, made anew by this pass, in force under <paramref name="key"/>: the previous
    /// pass's item stays when it is equal, so what did not change keeps one instance from pass to pass.
    /// </summary>
    public void SetNew(string key, T value) =>
        Set(key, _previous.TryGetValue(key, out var held) && held.Equals(value) ? held : value);

    /// <summary>The item this pass put in force under <paramref name="key"/> (set or kept), if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        if (_served.Contains(key))
        {
            return _items.TryGetValue(key, out value);
        }

        value = null;
        return false;
    }

    /// <summary>Ends the pass: the items in force, and which differ from the previous pass's (by key, ordinal order).</summary>
    public (ImmutableDictionary<string, T> Items, ImmutableArray<T> Upserts, ImmutableArray<string> Removals) End()
    {
        var removals = ImmutableArray<string>.Empty;
        if (_items.Count != _served.Count)
        {
            var gone = _items.Keys.Where(k => !_served.Contains(k)).Order(StringComparer.Ordinal).ToImmutableArray();
            _items.RemoveRange(gone);
            removals = gone;
        }

        var upserts = _set
            .Where(k => _items.ContainsKey(k) && !(_previous.TryGetValue(k, out var before) && before.Equals(_items[k])))
            .Order(StringComparer.Ordinal)
            .Select(k => _items[k])
            .ToImmutableArray();
        return (_items.ToImmutable().WithComparers(_previous.KeyComparer, _previous.ValueComparer), upserts, removals);
    }
}

using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// The paths of one host: exact paths in a dictionary, prefix paths in a trie of path elements.
/// A lookup costs one dictionary probe plus one per path element of the request, whatever the
/// number of routes. Comparison is ordinal: Ingress paths are case-sensitive.
/// </summary>
internal sealed class PathIndex
{
    private readonly Dictionary<string, RouteEntry> _exact = new(StringComparer.Ordinal);
    private readonly PrefixNode _root = new();
    private readonly Dictionary<string, RouteEntry>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;

    public PathIndex() => _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Adds an entry, or returns the entry that already holds the same path and type.</summary>
    public RouteEntry? AddOrGetExisting(RouteEntry entry)
    {
        if (entry.Match == PathMatch.Exact)
        {
            return _exact.TryAdd(entry.Path, entry) ? null : _exact[entry.Path];
        }

        var node = _root;
        foreach (var element in Elements(entry.Path))
        {
            node = node.GetOrAddChild(element.ToString());
        }

        if (node.Route is { } existing)
        {
            return existing;
        }

        node.Route = entry;
        return null;
    }

    /// <summary>
    /// The longest match counted in path elements; an Exact match is as long as the request itself,
    /// so it wins over every Prefix, which is also the rule at equal length.
    /// </summary>
    public RouteEntry? Match(ReadOnlySpan<char> path)
    {
        if (_exact.Count > 0 && _exactLookup.TryGetValue(path, out var exact))
        {
            return exact;
        }

        var node = _root;
        var best = node.Route;
        foreach (var element in Elements(path))
        {
            node = node.Child(element);
            if (node is null)
            {
                break;
            }

            best = node.Route ?? best;
        }

        return best;
    }

    private static PathElements Elements(ReadOnlySpan<char> path) => new(path);

    private sealed class PrefixNode
    {
        private Dictionary<string, PrefixNode>? _children;
        private Dictionary<string, PrefixNode>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public RouteEntry? Route { get; set; }

        public PrefixNode GetOrAddChild(string element)
        {
            if (_children is null)
            {
                _children = new Dictionary<string, PrefixNode>(StringComparer.Ordinal);
                _lookup = _children.GetAlternateLookup<ReadOnlySpan<char>>();
            }

            if (!_children.TryGetValue(element, out var child))
            {
                _children[element] = child = new PrefixNode();
            }

            return child;
        }

        public PrefixNode? Child(ReadOnlySpan<char> element) =>
            _children is not null && _lookup.TryGetValue(element, out var child) ? child : null;
    }
}

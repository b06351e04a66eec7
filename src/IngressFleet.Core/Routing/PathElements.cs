namespace IngressFleet.Core.Routing;

/// <summary>
/// Enumerates the elements of a URL path: the path split by '/', ignoring the leading and trailing
/// separators, so <c>/foo/bar/</c> gives <c>foo</c>, <c>bar</c> and <c>/</c> gives nothing. Allocates nothing.
/// </summary>
internal ref struct PathElements
{
    private ReadOnlySpan<char> _rest;

    public PathElements(ReadOnlySpan<char> path)
    {
        _rest = path.Trim('/');
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public readonly PathElements GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }

        var slash = _rest.IndexOf('/');
        if (slash < 0)
        {
            Current = _rest;
            _rest = default;
        }
        else
        {
            Current = _rest[..slash];
            _rest = _rest[(slash + 1)..];
        }

        return true;
    }
}

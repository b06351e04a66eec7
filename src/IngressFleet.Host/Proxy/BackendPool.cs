using IngressFleet.Model;

namespace IngressFleet.Proxy;

/// <summary>
/// The ready destinations of one backend as the forwarder needs them (URI prefixes built once), with
/// round-robin selection. Immutable but for the round-robin cursor; thread-safe.
/// </summary>
public sealed class BackendPool
{
    private readonly string[] _prefixes;
    private int _cursor = -1;

    public BackendPool(BackendEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _prefixes = [.. endpoints.Destinations.Select(d => d.ToUriPrefix("http"))];
    }

    public BackendEndpoints Endpoints { get; }

    /// <summary>The next destination's URI prefix, or null when none is ready.</summary>
    public string? Pick()
    {
        var prefixes = _prefixes;
        return prefixes.Length switch
        {
            0 => null,
            1 => prefixes[0],
            _ => prefixes[(int)((uint)Interlocked.Increment(ref _cursor) % (uint)prefixes.Length)],
        };
    }
}

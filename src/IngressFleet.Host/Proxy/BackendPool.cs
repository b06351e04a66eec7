using IngressFleet.Model;

namespace IngressFleet.Proxy;

/// <summary>
/// The ready destinations of one backend as the forwarder needs them (URI prefixes built once, for HTTP
/// and for HTTPS), with round-robin selection. Immutable but for the round-robin cursor; thread-safe.
/// </summary>
public sealed class BackendPool
{
    private readonly string[] _http;
    private readonly string[] _https;
    private int _cursor = -1;

    public BackendPool(BackendEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _http = [.. endpoints.Destinations.Select(d => d.ToUriPrefix("http"))];
        _https = [.. endpoints.Destinations.Select(d => d.ToUriPrefix("https"))];
    }

    public BackendEndpoints Endpoints { get; }

    /// <summary>The next destination's URI prefix, <c>https://</c> when <paramref name="tls"/>, or null when none is ready.</summary>
    public string? Pick(bool tls)
    {
        var prefixes = tls ? _https : _http;
        return prefixes.Length switch
        {
            0 => null,
            1 => prefixes[0],
            _ => prefixes[(int)((uint)Interlocked.Increment(ref _cursor) % (uint)prefixes.Length)],
        };
    }
}

using System.Collections.Concurrent;
using System.Net;
using IngressFleet.DataPlane.Proxy;
using Microsoft.Extensions.Options;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// The fast path's connections to backends, by destination, opened through <see cref="BackendConnector"/> (so the
/// address policy holds as on YARP's path). A timer four times a second closes idle connections past
/// <see cref="ProxyOptions.UpstreamIdleTimeout"/> and requests quiet past their activity timeout; it runs only while
/// connections are open.
/// </summary>
internal sealed class Http1ConnectionPool : IDisposable
{
    /// <summary>How often timeouts are checked: an activity timeout fires up to this much late (the fast path takes none shorter than <see cref="MinActivityTimeout"/>).</summary>
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>Shorter activity timeouts are left to YARP's forwarder, whose timer is exact.</summary>
    public static readonly TimeSpan MinActivityTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Http1Endpoint?> _endpoints = new(StringComparer.Ordinal);
    private readonly BackendConnector _connector;
    private readonly TimeProvider _time;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _idleTimeout;
    private readonly Lock _sweepLock = new();
    private ITimer? _sweep;
    private bool _disposed;

    public Http1ConnectionPool(BackendConnector connector, TimeProvider time, IOptions<ProxyOptions> options)
    {
        _connector = connector;
        _time = time;
        _connectTimeout = options.Value.UpstreamConnectTimeout;
        _idleTimeout = options.Value.UpstreamIdleTimeout;
    }

    /// <summary>Connections open now, idle and busy.</summary>
    public int Connections => _endpoints.Values.Sum(e => e?.Count ?? 0);

    /// <summary>The destination's endpoint; null for a prefix the fast path does not take (TLS, a path after the authority).</summary>
    public Http1Endpoint? For(string prefix) =>
        prefix.StartsWith("http://", StringComparison.Ordinal) ? _endpoints.GetOrAdd(prefix, static p => Parse(p)) : null;

    /// <summary>An idle connection to the endpoint, else a new one.</summary>
    public ValueTask<Http1Connection> TakeAsync(Http1Endpoint endpoint, CancellationToken cancellationToken) =>
        endpoint.TakeIdle() is { } idle ? ValueTask.FromResult(idle) : ConnectAsync(endpoint, cancellationToken);

    /// <summary>A new connection (not one kept alive before: what a request whose idle connection failed is sent again on).</summary>
    public async ValueTask<Http1Connection> ConnectAsync(Http1Endpoint endpoint, CancellationToken cancellationToken)
    {
        var stream = await _connector.ConnectAsync(endpoint.Address, _connectTimeout, cancellationToken);
        var connection = new Http1Connection(stream, _time);
        while (!endpoint.Add(connection))
        {
            // Retired by the sweep since the request looked it up: a new endpoint takes its place.
            _endpoints.TryUpdate(endpoint.Prefix, Parse(endpoint.Prefix), endpoint);
            endpoint = For(endpoint.Prefix)!;
        }

        StartSweeping();
        return connection;
    }

    public void Dispose()
    {
        lock (_sweepLock)
        {
            _disposed = true;
            _sweep?.Dispose();
            _sweep = null;
        }

        foreach (var endpoint in _endpoints.Values)
        {
            endpoint?.Sweep(_time, TimeSpan.Zero);
        }
    }

    /// <summary>Called after a connection joined an endpoint (which is then in the table, so the sweep cannot stop meanwhile).</summary>
    private void StartSweeping()
    {
        lock (_sweepLock)
        {
            if (_disposed)
            {
                return;
            }

            _sweep ??= _time.CreateTimer(static state => ((Http1ConnectionPool)state!).Sweep(), this, SweepPeriod, SweepPeriod);
        }
    }

    private void Sweep()
    {
        foreach (var (prefix, endpoint) in _endpoints)
        {
            if (endpoint is null || endpoint.Sweep(_time, _idleTimeout))
            {
                _endpoints.TryRemove(new KeyValuePair<string, Http1Endpoint?>(prefix, endpoint));
            }
        }

        lock (_sweepLock)
        {
            if (_endpoints.IsEmpty)
            {
                // Nothing left to watch: an idle silo wakes for nothing (the next connection starts it again).
                _sweep?.Dispose();
                _sweep = null;
            }
        }
    }

    private static Http1Endpoint? Parse(string prefix)
    {
        if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return new Http1Endpoint(prefix, new DnsEndPoint(uri.IdnHost, uri.Port));
    }
}

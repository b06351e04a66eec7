using System.Net;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// The connections to one backend destination: the idle ones, most recently used first (the warmest), and all of
/// them, so the sweep can close idle ones past their time and busy ones whose request went quiet.
/// </summary>
internal sealed class Http1Endpoint(string prefix, DnsEndPoint address)
{
    private readonly Lock _lock = new();
    private readonly List<Http1Connection> _idle = [];
    private readonly List<Http1Connection> _all = [];
    private bool _retired;

    public string Prefix { get; } = prefix;

    public DnsEndPoint Address { get; } = address;

    /// <summary>An idle connection that is still open and has nothing unasked to read (its response's read started), or null.</summary>
    public Http1Connection? TakeIdle()
    {
        while (true)
        {
            Http1Connection connection;
            lock (_lock)
            {
                if (_idle.Count == 0)
                {
                    return null;
                }

                connection = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
            }

            if (connection.TryReadAhead())
            {
                return connection;
            }

            Remove(connection);
        }
    }

    /// <summary>Counts a new connection in; false when the sweep retired this endpoint meanwhile (the caller uses the current one).</summary>
    public bool Add(Http1Connection connection)
    {
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            _all.Add(connection);
            connection.Endpoint = this;
            return true;
        }
    }

    /// <summary>Takes back a connection after a complete response; one closed meanwhile, or of an endpoint retired since, is let go.</summary>
    public void Return(Http1Connection connection)
    {
        lock (_lock)
        {
            if (!_retired && !connection.IsClosed)
            {
                _idle.Add(connection);
                return;
            }
        }

        Remove(connection);
    }

    /// <summary>Closes a connection that cannot carry another request and forgets it.</summary>
    public void Remove(Http1Connection connection)
    {
        connection.Dispose();
        lock (_lock)
        {
            _all.Remove(connection);
            _idle.Remove(connection);
        }
    }

    /// <summary>
    /// Closes idle connections older than <paramref name="idleTimeout"/> and busy ones whose request went quiet past its
    /// timeout; retires the endpoint when it has no connection left (true), so destinations that are gone are forgotten.
    /// </summary>
    public bool Sweep(TimeProvider time, TimeSpan idleTimeout)
    {
        var now = time.GetTimestamp();
        List<Http1Connection>? expired = null;
        List<Http1Connection>? quiet = null;
        bool retired;
        lock (_lock)
        {
            for (var i = _idle.Count - 1; i >= 0; i--)
            {
                var connection = _idle[i];
                if (time.GetElapsedTime(connection.IdleSince, now) >= idleTimeout)
                {
                    _idle.RemoveAt(i);
                    _all.Remove(connection);
                    (expired ??= []).Add(connection);
                }
            }

            foreach (var connection in _all)
            {
                if (connection.IsQuietPast(now))
                {
                    (quiet ??= []).Add(connection);
                }
            }

            retired = _retired = _all.Count == 0;
        }

        // Closed outside the lock: a socket's close may take a while, and requests wait on the lock.
        expired?.ForEach(connection => connection.Dispose());
        quiet?.ForEach(connection => connection.TimeOut());
        return retired;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _all.Count;
            }
        }
    }
}

using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// One client's state under an Ingress's <see cref="ClientLimit"/> on this silo: a token bucket per rate (nginx's
/// <c>limit_req … nodelay</c>: a full bucket of rate × multiplier + 1 requests, refilled at the rate), the
/// requests in flight, this silo's part of the limits, and what was asked since the last report.
/// </summary>
public sealed class ClientCounters
{
    private readonly Lock _gate = new();
    private double _perSecondTokens;
    private double _perMinuteTokens;
    private long _refilledAt;
    private long _lastUsed;
    private int _inFlight;
    private int _peak;
    private int _asked;
    private int _refused;
    private long _measuredAt;
    private double _fraction = 1;
    private int _connections;
    private long _sharedUntil;
    private bool _forgotten;

    internal ClientCounters(ClientLimit limit, long now)
    {
        _perSecondTokens = ClientLimit.BucketSize(limit.RequestsPerSecond, limit.BurstMultiplier);
        _perMinuteTokens = ClientLimit.BucketSize(limit.RequestsPerMinute, limit.BurstMultiplier);
        (_refilledAt, _lastUsed, _measuredAt) = (now, now, now);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When a request of this client last came, for evicting the least recently used when the table is full.</summary>
    internal long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Ends an admitted request.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    internal ClientVerdict TryEnter(ClientLimit limit, long now, long frequency)
    {
        lock (_gate)
        {
            if (_forgotten)
            {
                return ClientVerdict.Forgotten;
            }

            _lastUsed = now;
            _asked++;
            if (now >= _sharedUntil)
            {
                _fraction = 1;
            }

            Refill(limit, now, frequency);
            if ((limit.RequestsPerSecond > 0 && _perSecondTokens < 1) || (limit.RequestsPerMinute > 0 && _perMinuteTokens < 1))
            {
                return ClientVerdict.RateExceeded;
            }

            // As nginx, whose request limit runs before its connection limit: the token is spent either way. A rate
            // not applied is not counted, so setting it later starts from a full bucket, not a debt.
            if (limit.RequestsPerSecond > 0)
            {
                _perSecondTokens--;
            }

            if (limit.RequestsPerMinute > 0)
            {
                _perMinuteTokens--;
            }
            if (limit.Connections > 0 && _inFlight >= Allowed(limit, now))
            {
                _refused++;
                return ClientVerdict.ConnectionsExceeded;
            }

            _inFlight++;
            _peak = Math.Max(_peak, _inFlight);
            return ClientVerdict.Admitted;
        }
    }

    internal (double Rate, int Need)? TakeUse(ClientLimit limit, long now, long frequency)
    {
        lock (_gate)
        {
            if (_asked == 0 && _inFlight == 0)
            {
                return null;
            }

            var seconds = Math.Max((now - _measuredAt) / (double)frequency, 0.001);
            var use = (_asked / seconds, Math.Max(_peak, _inFlight) + _refused);
            (_asked, _refused, _peak, _measuredAt) = (0, 0, _inFlight, now);
            return use;
        }
    }

    /// <summary>Marks the counters forgotten when nothing is in flight and the buckets have refilled; true if so.</summary>
    internal bool Forget(ClientLimit limit, long now, long frequency)
    {
        lock (_gate)
        {
            Refill(limit, now, frequency);
            var full = (limit.RequestsPerSecond == 0 || _perSecondTokens >= Size(limit.RequestsPerSecond, limit) - 0.001)
                && (limit.RequestsPerMinute == 0 || _perMinuteTokens >= Size(limit.RequestsPerMinute, limit) - 0.001);
            _forgotten = _inFlight == 0 && full && now >= _sharedUntil;
            _measuredAt = now;
            return _forgotten;
        }
    }

    /// <summary>Marks the counters forgotten, whatever their buckets hold, when nothing is in flight (to make room); true if so.</summary>
    internal bool Evict()
    {
        lock (_gate)
        {
            _forgotten = _inFlight == 0;
            return _forgotten;
        }
    }

    internal void Share(ClientLimit limit, double fraction, int connections, long until, long now, long frequency)
    {
        lock (_gate)
        {
            Refill(limit, now, frequency);
            (_fraction, _connections, _sharedUntil) = (Math.Clamp(fraction, 0, 1), connections, until);
            _perSecondTokens = Math.Min(_perSecondTokens, Size(limit.RequestsPerSecond, limit));
            _perMinuteTokens = Math.Min(_perMinuteTokens, Size(limit.RequestsPerMinute, limit));
        }
    }

    private int Allowed(ClientLimit limit, long now) => now < _sharedUntil ? _connections : limit.Connections;

    /// <summary>This silo's bucket for a rate: its part of the whole, never below one request.</summary>
    private double Size(int rate, ClientLimit limit) => Math.Max(1, ClientLimit.BucketSize(rate, limit.BurstMultiplier) * _fraction);

    private void Refill(ClientLimit limit, long now, long frequency)
    {
        var seconds = (now - _refilledAt) / (double)frequency;
        _refilledAt = now;
        if (limit.RequestsPerSecond > 0)
        {
            _perSecondTokens = Math.Min(Size(limit.RequestsPerSecond, limit), _perSecondTokens + (limit.RequestsPerSecond * _fraction * seconds));
        }

        if (limit.RequestsPerMinute > 0)
        {
            _perMinuteTokens = Math.Min(Size(limit.RequestsPerMinute, limit), _perMinuteTokens + (limit.RequestsPerMinute / 60.0 * _fraction * seconds));
        }
    }
}

using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// This silo's share of one fleet-wide rate limit: a token bucket whose rate and size the limit grain sets
/// by this silo's share of the demand. Requests take a token or are refused; the demand (admitted or not)
/// is measured and reported at each renewal.
/// </summary>
public sealed class RateBucket(string key, RateLimit limit, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _rate;
    private double _capacity;
    private double _tokens;
    private long _refilledAt = time.GetTimestamp();
    private long _expiresAt;
    private int _asked;
    private long _measuredAt = time.GetTimestamp();
    private long _rejected;

    public string Key { get; } = key;

    public RateLimit Limit { get; set; } = limit;

    public long LastUsed { get; private set; } = time.GetTimestamp();

    public double Rate => Volatile.Read(ref _rate);

    /// <summary>Requests refused since this silo started holding a share.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public bool HasShare => time.GetTimestamp() < Interlocked.Read(ref _expiresAt);

    /// <summary>Completes with the first share, which a new bucket's first requests wait for.</summary>
    public Task FirstShare => _firstShare.Task;

    private readonly TaskCompletionSource _firstShare = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes a token; false when the bucket is empty (or this silo holds no share).</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            LastUsed = now;
            _asked++;
            if (now >= _expiresAt)
            {
                _rejected++;
                return false;
            }

            _tokens = Math.Min(_capacity, _tokens + (_rate * (now - _refilledAt) / time.TimestampFrequency));
            _refilledAt = now;
            if (_tokens < 1)
            {
                _rejected++;
                return false;
            }

            _tokens--;
            return true;
        }
    }

    /// <summary>Seconds until a token is likely, for Retry-After.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(1 / Math.Max(Rate, 0.001)));

    /// <summary>Requests per second asked of this bucket since the last call.</summary>
    public double TakeDemand()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var seconds = Math.Max((now - _measuredAt) / (double)time.TimestampFrequency, 0.001);
            var demand = _asked / seconds;
            (_asked, _measuredAt) = (0, now);
            return demand;
        }
    }

    public void Renewed(double rate, double burst, TimeSpan duration, long askedAt)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();

            // A first share starts full, as a token bucket does: this silo's part of the burst is there at once (the
            // parts add up to the burst), so the first requests of a new limit are not refused while it fills.
            _tokens = _firstShare.Task.IsCompleted ? Math.Min(burst, _tokens + (_rate * (now - _refilledAt) / time.TimestampFrequency)) : burst;
            _refilledAt = now;
            (_rate, _capacity) = (rate, burst);
            Interlocked.Exchange(ref _expiresAt, askedAt + (long)(duration.TotalSeconds * 0.9 * time.TimestampFrequency));
        }

        _firstShare.TrySetResult();
    }
}

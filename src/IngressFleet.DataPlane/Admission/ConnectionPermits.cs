using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// This silo's part of one fleet-wide connection limit: the permits its lease grants, the requests using
/// them, and a bounded queue of requests waiting for one. A request is admitted only while a permit is free
/// and the lease is unexpired, so the silo never uses more than it was granted: the fleet-wide in-flight
/// count stays within the limit. The lease is renewed from the request path's demand, ahead of need.
/// </summary>
public sealed class ConnectionPermits(string key, ConnectionLimit limit, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<bool>> _waiters = new();
    private int _granted;
    private int _inUse;
    private int _peakNeed;
    private long _expiresAt;
    private long _rejected;

    public string Key { get; } = key;

    public ConnectionLimit Limit { get; set; } = limit;

    /// <summary>When a request last used this limit, for dropping idle ones.</summary>
    public long LastUsed { get; private set; } = time.GetTimestamp();

    public int Granted => Volatile.Read(ref _granted);

    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Requests refused (queue full or timed out) since this silo started holding the limit.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Raised when a request had to queue: the lease should grow now rather than at the next renewal.</summary>
    public event Action? Starved;

    /// <summary>
    /// What this silo needs: the most requests it had in flight and queued at once since the last renewal. The
    /// peak, not the moment, so a permit briefly free between two requests of a steady client is not given
    /// away, only to be asked back a renewal later.
    /// </summary>
    public int Need
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(_peakNeed, _inUse + _waiters.Count);
            }
        }
    }

    /// <summary>What to ask the grain for: what is needed, and a quarter more, so a burst finds permits ready.</summary>
    public int Demand
    {
        get
        {
            lock (_gate)
            {
                var need = Math.Max(_peakNeed, _inUse + _waiters.Count);
                return Math.Min(Limit.MaxConnections, need + Math.Max(1, need / 4));
            }
        }
    }

    /// <summary>Takes a permit, waiting in the queue if none is free. False: the queue is full or the wait timed out.</summary>
    public async ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            LastUsed = time.GetTimestamp();
            _peakNeed = Math.Max(_peakNeed, _inUse + _waiters.Count + 1);
            if (_waiters.Count == 0 && _inUse < UsableLocked())
            {
                _inUse++;
                return true;
            }

            // Before the first lease every request would be refused; it waits for the lease instead.
            if (_waiters.Count >= Limit.MaxQueue && _expiresAt != 0)
            {
                Interlocked.Increment(ref _rejected);
                return false;
            }

            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        Starved?.Invoke();
        try
        {
            return await waiter.Task.WaitAsync(Limit.QueueTimeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                // Granted meanwhile: hand the permit back.
                if (!waiter.TrySetResult(false) && waiter.Task.Result)
                {
                    ReleaseLocked();
                }
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            Interlocked.Increment(ref _rejected);
            return false;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            ReleaseLocked();
        }
    }

    /// <summary>Takes a new lease: <paramref name="permits"/> usable until <paramref name="duration"/> after <paramref name="askedAt"/> (a timestamp taken before asking, so the silo's deadline is never later than the grain's).</summary>
    public void Renewed(int permits, TimeSpan duration, long askedAt)
    {
        lock (_gate)
        {
            _peakNeed = _inUse + _waiters.Count;
            _granted = permits;
            _expiresAt = askedAt + (long)(duration.TotalSeconds * 0.9 * time.TimestampFrequency);
            WakeLocked();
        }
    }

    private int UsableLocked() => time.GetTimestamp() < _expiresAt ? _granted : 0;

    private void ReleaseLocked()
    {
        _inUse--;
        WakeLocked();
    }

    private void WakeLocked()
    {
        while (_waiters.Count > 0 && _inUse < UsableLocked())
        {
            var waiter = _waiters.Dequeue();
            if (waiter.TrySetResult(true))
            {
                _inUse++;
            }
        }
    }
}

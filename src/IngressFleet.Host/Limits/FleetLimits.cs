using System.Collections.Concurrent;
using IngressFleet.Model;
using Orleans.Runtime;

namespace IngressFleet.Limits;

/// <summary>
/// The silo's side of fleet-wide limits: one <see cref="ConnectionPermits"/> per (Ingress, backend) with a
/// connection limit and one <see cref="RateBucket"/> per Ingress with a rate limit, made on first use, their
/// leases renewed every <see cref="LimitLeases.RenewEvery"/> (at once when a request starts waiting), and
/// handed back when idle.
/// </summary>
internal sealed partial class FleetLimits(IClusterClient client, ILocalSiloDetails silo, TimeProvider time, ILogger<FleetLimits> logger) : BackgroundService
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ConnectionPermits> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateBucket> _rates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private long _rejectedConnections;
    private long _rejectedRate;

    public IEnumerable<ConnectionPermits> ConnectionLimits => _connections.Values;

    public IEnumerable<RateBucket> RateLimits => _rates.Values;

    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    public long RejectedRate => Interlocked.Read(ref _rejectedRate);

    public static string ConnectionKey(string ingress, string backend) => $"connections|{ingress}|{backend}";

    public static string RateKey(string ingress) => $"rate|{ingress}";

    public ConnectionPermits Connections(string ingress, string backend, ConnectionLimit limit)
    {
        var permits = _connections.GetOrAdd(ConnectionKey(ingress, backend), key =>
        {
            var created = new ConnectionPermits(key, limit, time);
            created.Starved += () => _wake.Release();
            _wake.Release();
            return created;
        });
        permits.Limit = limit;
        return permits;
    }

    public RateBucket Rate(string ingress, RateLimit limit)
    {
        var bucket = _rates.GetOrAdd(RateKey(ingress), key =>
        {
            _wake.Release();
            return new RateBucket(key, limit, time);
        });
        bucket.Limit = limit;
        return bucket;
    }

    public void Rejected(bool rate) => Interlocked.Increment(ref rate ? ref _rejectedRate : ref _rejectedConnections);

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = silo.Name;
        while (!stoppingToken.IsCancellationRequested)
        {
            await _wake.WaitAsync(LimitLeases.RenewEvery, stoppingToken);
            while (_wake.Wait(0, CancellationToken.None))
            {
                // One renewal round answers every wake-up so far.
            }

            await Task.WhenAll(
                _connections.Values.Select(p => RenewAsync(p, self)).Concat(_rates.Values.Select(b => RenewAsync(b, self))));
        }
    }

    private async Task RenewAsync(ConnectionPermits permits, string self)
    {
        var idle = permits.InUse == 0 && permits.Queued == 0 && time.GetElapsedTime(permits.LastUsed) > IdleAfter;
        var askedAt = time.GetTimestamp();
        try
        {
            var lease = await client.GetGrain<ILimitGrain>(permits.Key).LeaseAsync(self, permits.Limit.MaxConnections, permits.InUse, idle ? 0 : permits.Need, idle ? 0 : permits.Demand);
            permits.Renewed(lease.Permits, lease.Duration, askedAt);
            if (idle)
            {
                _connections.TryRemove(permits.Key, out _);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The lease runs out on its own; until it is renewed, this silo admits nothing beyond it.
            Log.RenewFailed(logger, permits.Key, e.Message);
        }
    }

    private async Task RenewAsync(RateBucket bucket, string self)
    {
        var idle = time.GetElapsedTime(bucket.LastUsed) > IdleAfter;
        var askedAt = time.GetTimestamp();
        try
        {
            var share = await client.GetGrain<ILimitGrain>(bucket.Key).ShareAsync(self, bucket.Limit.RequestsPerSecond, bucket.Limit.Burst, idle ? 0 : bucket.TakeDemand());
            bucket.Renewed(share.RequestsPerSecond, share.Burst, share.Duration, askedAt);
            if (idle)
            {
                _rates.TryRemove(bucket.Key, out _);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.RenewFailed(logger, bucket.Key, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(850, LogLevel.Warning, "Could not renew the lease of limit {Key}: {Reason}")]
        public static partial void RenewFailed(ILogger logger, string key, string reason);
    }
}

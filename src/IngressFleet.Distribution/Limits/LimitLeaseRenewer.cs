using IngressFleet.Core.Logging;
using IngressFleet.DataPlane.Admission;
using IngressFleet.Grains.Contracts.Limits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Limits;

/// <summary>
/// Keeps the leases of this silo's limits (<see cref="AdmissionControl"/>) renewed with their limit grains, and
/// reports the clients of its per-client limits to their client-limit grains: every
/// <see cref="LimitOptions.LimitRenewInterval"/>, at once when a request starts waiting or a new client comes,
/// and hands back the ones idle for <see cref="LimitOptions.LimitIdleAfter"/>.
/// </summary>
internal sealed partial class LimitLeaseRenewer(
    IClusterClient client,
    ILocalSiloDetails silo,
    AdmissionControl admission,
    IOptions<LimitOptions> options,
    TimeProvider time,
    ILogger<LimitLeaseRenewer> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = silo.Name;
        var wake = admission.RenewalWanted;
        var lastRound = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            // With no limit in use there is nothing to renew: the first request under a limit wakes the loop.
            await wake.WaitAsync(admission.HoldsLimits ? options.Value.LimitRenewInterval : Timeout.InfiniteTimeSpan, stoppingToken);

            // Woken early (a request waits, a client is new): not more often than this, however often woken.
            if (MinimumGap - time.GetElapsedTime(lastRound) is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest, time, stoppingToken);
            }

            lastRound = time.GetTimestamp();
            while (wake.Wait(0, CancellationToken.None))
            {
                // One renewal round answers every wake-up so far.
            }

            await Task.WhenAll(
                admission.ConnectionLimits.Select(p => RenewAsync(p, self))
                    .Concat(admission.RateLimits.Select(b => RenewAsync(b, self)))
                    .Concat(admission.ClientLimits.Select(l => ReportAsync(l, self))));
        }
    }

    private async Task RenewAsync(ConnectionPermits permits, string self)
    {
        var idle = permits.InUse == 0 && permits.Queued == 0 && time.GetElapsedTime(permits.LastUsed) > options.Value.LimitIdleAfter;
        var askedAt = time.GetTimestamp();
        try
        {
            var lease = await client.GetGrain<ILimitGrain>(permits.Key).LeaseAsync(self, permits.Limit.MaxConnections, permits.InUse, idle ? 0 : permits.Need, idle ? 0 : permits.Demand, permits.Rejected);
            permits.Renewed(lease.Permits, lease.Duration, askedAt);
            if (idle)
            {
                admission.Forget(permits);
            }
        }
        catch (Exception e)
        {
            // The lease runs out on its own; until it is renewed, this silo admits nothing beyond it.
            Log.RenewFailed(logger, permits.Key, e.Message);
        }
    }

    private async Task RenewAsync(RateBucket bucket, string self)
    {
        var idle = time.GetElapsedTime(bucket.LastUsed) > options.Value.LimitIdleAfter;
        var askedAt = time.GetTimestamp();
        try
        {
            var share = await client.GetGrain<ILimitGrain>(bucket.Key).ShareAsync(self, bucket.Limit.RequestsPerSecond, bucket.Limit.Burst, idle ? 0 : bucket.TakeDemand(), bucket.Rejected);
            bucket.Renewed(share.RequestsPerSecond, share.Burst, share.Duration, askedAt);
            if (idle)
            {
                admission.Forget(bucket);
            }
        }
        catch (Exception e)
        {
            Log.RenewFailed(logger, bucket.Key, e.Message);
        }
    }

    /// <summary>Tells the Ingress's client-limit grain which clients this silo saw, and takes this silo's part of those other silos see too.</summary>
    private async Task ReportAsync(ClientLimiter limiter, string self)
    {
        var used = limiter.TakeUse();
        if (used.Count == 0)
        {
            if (limiter.Clients == 0 && time.GetElapsedTime(limiter.LastUsed) > options.Value.LimitIdleAfter)
            {
                _ = admission.Forget(limiter);
            }

            return;
        }

        var askedAt = time.GetTimestamp();
        try
        {
            // Bounded, so a slow client-limit grain does not hold up the other limits' renewals for long.
            var shares = await client.GetGrain<IClientLimitGrain>(limiter.Key)
                .ReportAsync(self, limiter.Limit.Connections, [.. used.Select(u => new ClientDemand(u.Client, u.RequestsPerSecond, u.Connections))])
                .WaitAsync(options.Value.LimitRenewInterval * 4, time);
            foreach (var share in shares.Shares)
            {
                limiter.Share(share.Client, share.RateFraction, share.Connections, shares.Duration, askedAt);
            }
        }
        catch (Exception e)
        {
            // Parts already given lapse on their own, back to the whole limit per silo: ingress-nginx's meaning.
            Log.RenewFailed(logger, limiter.Key, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.LimitLeaseRenewerRenewFailed, LogLevel.Warning, "Could not renew the lease of limit {Key}: {Reason}")]
        public static partial void RenewFailed(ILogger logger, string key, string reason);
    }
}

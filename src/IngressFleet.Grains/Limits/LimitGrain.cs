using IngressFleet.Core.Logging;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Limits;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace IngressFleet.Grains.Limits;

/// <inheritdoc cref="ILimitGrain"/>
internal sealed partial class LimitGrain(
    [PersistentState("limit", ControlPlaneNames.StorageName)] IPersistentState<LimitLeaseMarker> marker,
    IOptions<LimitOptions> options,
    TimeProvider time,
    ILogger<LimitGrain> logger) : Grain, ILimitGrain
{
    // The stored marker runs this far ahead of the leases granted, so it is written about once per margin.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    // A marker write normally takes a millisecond; one that takes longer means the store is down or slow.
    private static readonly TimeSpan StoreWait = TimeSpan.FromMilliseconds(500);

    private readonly LimitLedger _ledger = new(options.Value.LimitLeaseDuration);
    private DateTimeOffset _storedUntil;
    private DateTimeOffset _retryWriteAt;
    private Task? _write;
    private bool _superseded;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A previous activation (on a silo that died) may have granted leases that silos still use. The
        // holdings themselves are not persisted, only how long they may last.
        var now = time.GetUtcNow();
        _ledger.Resume(marker.State.LeasesValidUntil, marker.State.ClosedCleanly, now, options.Value.LimitRenewInterval);
        _storedUntil = marker.State.LeasesValidUntil;
        if (marker.State.ClosedCleanly)
        {
            // From now on this activation's grants are not covered by that clean close: say so before granting.
            marker.State.ClosedCleanly = false;
            await marker.WriteStateAsync(cancellationToken);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_superseded)
        {
            return;
        }

        try
        {
            if (_write is { IsCompleted: false })
            {
                await _write.WaitAsync(cancellationToken);
            }

            // No grant follows: the marker in memory covers every lease this activation granted.
            marker.State.ClosedCleanly = true;
            await marker.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stored marker still says not closed cleanly: a successor waits out a full lease.
            Log.StoreUnavailable(logger, this.GetPrimaryKeyString(), e.Message);
        }
    }

    public async Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand, long rejected)
    {
        await CoverAsync();
        return _ledger.Lease(silo, limit, inUse, need, demand, time.GetUtcNow(), rejected);
    }

    public Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand) => LeaseAsync(silo, limit, inUse, need, demand, rejected: 0);

    public Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand) => ShareAsync(silo, requestsPerSecond, burst, demand, rejected: 0);

    public async Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand, long rejected)
    {
        await CoverAsync();
        return _ledger.Share(silo, requestsPerSecond, burst, demand, time.GetUtcNow(), rejected);
    }

    public Task<LimitView> GetAsync() =>
        Task.FromResult(_ledger.View(this.GetPrimaryKeyString(), time.GetUtcNow()) with { GrainSilo = RuntimeIdentity });

    /// <summary>
    /// Records that leases granted now may be used for one lease period, before granting them. When the store
    /// does not answer in time the grant goes ahead anyway, so a Redis outage does not close limited routes:
    /// the stored marker then says this activation did not close cleanly, so a successor (after this silo
    /// dies) waits out a full lease before it grants beyond what silos have in flight. A write refused because
    /// another activation has written since means this one is superseded: it grants nothing more.
    /// </summary>
    private async Task CoverAsync()
    {
        ThrowIfSuperseded();
        var now = time.GetUtcNow();
        var until = now + options.Value.LimitLeaseDuration;
        if (marker.State.LeasesValidUntil < until)
        {
            marker.State.LeasesValidUntil = until + Margin;
        }

        if (_storedUntil >= until)
        {
            return;
        }

        if (_write is null || _write.IsCompleted)
        {
            if (now < _retryWriteAt)
            {
                return;
            }

            _write = WriteAsync();
        }

        await Task.WhenAny(_write, Task.Delay(StoreWait, time));
        ThrowIfSuperseded();
    }

    private async Task WriteAsync()
    {
        var covering = marker.State.LeasesValidUntil;
        try
        {
            await marker.WriteStateAsync();
            _storedUntil = covering > _storedUntil ? covering : _storedUntil;
            _retryWriteAt = default;
        }
        catch (InconsistentStateException e)
        {
            await RewriteOrStepDownAsync(e.Message);
        }
        catch (Exception e)
        {
            _retryWriteAt = time.GetUtcNow() + Margin;
            Log.StoreUnavailable(logger, this.GetPrimaryKeyString(), e.Message);
        }
    }

    /// <summary>
    /// After a write refused for its ETag: when the store lost the marker (Redis restarted empty), this
    /// activation writes it anew and goes on, since a successor reading nothing would open grants at once while
    /// this one's leases are in use. When another activation wrote it, this one steps down.
    /// </summary>
    private async Task RewriteOrStepDownAsync(string reason)
    {
        var covering = marker.State.LeasesValidUntil;
        try
        {
            await marker.ReadStateAsync();
            if (!marker.RecordExists)
            {
                (marker.State.LeasesValidUntil, marker.State.ClosedCleanly) = (covering, false);
                await marker.WriteStateAsync();
                _storedUntil = covering;
                return;
            }
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            // The store is down again: what it holds is unknown, so this activation steps down to be safe.
            reason = e.Message;
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote between the read and the write.
        }

        _superseded = true;
        Log.Superseded(logger, this.GetPrimaryKeyString(), reason);
        DeactivateOnIdle();
    }

    private void ThrowIfSuperseded()
    {
        if (_superseded)
        {
            throw new InvalidOperationException($"The activation of limit {this.GetPrimaryKeyString()} was superseded by another; the next call reaches the current one.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.LimitGrainStoreUnavailable, LogLevel.Warning, "Limit {Key} could not store its lease marker ({Reason}); it keeps granting, and a successor activation waits out a full lease")]
        public static partial void StoreUnavailable(ILogger logger, string key, string reason);

        [LoggerMessage(EventIds.LimitGrainSuperseded, LogLevel.Warning, "Limit {Key}: another activation has written its marker ({Reason}); this one grants nothing more and deactivates")]
        public static partial void Superseded(ILogger logger, string key, string reason);
    }
}

using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Limits;
using Microsoft.Extensions.Options;

namespace IngressFleet.Grains.Limits;

/// <inheritdoc cref="ILimitGrain"/>
internal sealed class LimitGrain(
    [PersistentState("limit", ControlPlaneNames.StorageName)] IPersistentState<LimitLeaseMarker> marker,
    IOptions<LimitOptions> options,
    TimeProvider time) : Grain, ILimitGrain
{
    private readonly LimitLedger _ledger = new(options.Value.LimitLeaseDuration);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A previous activation (on a silo that died) may have granted leases that silos still use. The
        // holdings themselves are not persisted, only how long they may last.
        _ledger.GrantsOpenAt = marker.State.LeasesValidUntil;
        return Task.CompletedTask;
    }

    // The marker is written before the ledger changes: when the store is down the call fails with the ledger
    // untouched, so it never records a grant (say, a smaller one) the silo did not receive while the silo goes
    // on using its previous lease until that expires.
    public async Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand)
    {
        await CoverAsync();
        return _ledger.Lease(silo, limit, inUse, need, demand, time.GetUtcNow());
    }

    public async Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand)
    {
        await CoverAsync();
        return _ledger.Share(silo, requestsPerSecond, burst, demand, time.GetUtcNow());
    }

    public Task<LimitView> GetAsync() => Task.FromResult(_ledger.View(this.GetPrimaryKeyString(), time.GetUtcNow()));

    /// <summary>Records, at most about once a second, that leases granted now may be used for one lease period.</summary>
    private async Task CoverAsync()
    {
        var until = time.GetUtcNow() + options.Value.LimitLeaseDuration;
        var covered = marker.State.LeasesValidUntil;
        if (covered < until - TimeSpan.FromSeconds(1))
        {
            // Only a stored marker counts: after a failed write (the store down, or this activation stale
            // because another took over) every call tries again and grants nothing until one succeeds.
            marker.State.LeasesValidUntil = until + TimeSpan.FromSeconds(1);
            try
            {
                await marker.WriteStateAsync();
            }
            catch
            {
                marker.State.LeasesValidUntil = covered;
                throw;
            }
        }
    }
}

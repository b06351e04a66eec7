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

    public async Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand)
    {
        var lease = _ledger.Lease(silo, limit, inUse, need, demand, time.GetUtcNow());
        await CoverAsync();
        return lease;
    }

    public async Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand)
    {
        var share = _ledger.Share(silo, requestsPerSecond, burst, demand, time.GetUtcNow());
        await CoverAsync();
        return share;
    }

    public Task<LimitView> GetAsync() => Task.FromResult(_ledger.View(this.GetPrimaryKeyString(), time.GetUtcNow()));

    /// <summary>Records, at most about once a second, that leases granted now may be used for one lease period.</summary>
    private async Task CoverAsync()
    {
        var until = time.GetUtcNow() + options.Value.LimitLeaseDuration;
        if (marker.State.LeasesValidUntil < until - TimeSpan.FromSeconds(1))
        {
            marker.State.LeasesValidUntil = until + TimeSpan.FromSeconds(1);
            await marker.WriteStateAsync();
        }
    }
}

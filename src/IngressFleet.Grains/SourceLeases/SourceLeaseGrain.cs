using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.SourceLeases;

namespace IngressFleet.Grains.SourceLeases;

/// <inheritdoc cref="ISourceLeaseGrain"/>
internal sealed class SourceLeaseGrain(
    [PersistentState("source-lease", ControlPlaneNames.StorageName)] IPersistentState<SourceLeaseState> lease,
    TimeProvider time) : Grain, ISourceLeaseGrain
{
    public async Task<SourceLease> AcquireOrRenewAsync(string holder, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var state = lease.State;
        if (!state.AcquireOrRenew(holder, duration, time.GetUtcNow()))
        {
            return new SourceLease(state.Holder!, state.Term, state.ExpiresAt, Granted: false);
        }

        await lease.WriteStateAsync();
        return new SourceLease(holder, state.Term, state.ExpiresAt, Granted: true);
    }

    public async Task ReleaseAsync(string holder, long term)
    {
        if (lease.State.Release(holder, term))
        {
            await lease.WriteStateAsync();
        }
    }

    public Task<SourceLease?> GetAsync()
    {
        var state = lease.State;
        return Task.FromResult(state.Holder is null
            ? null
            : new SourceLease(state.Holder, state.Term, state.ExpiresAt, Granted: state.IsHeld(time.GetUtcNow())));
    }
}

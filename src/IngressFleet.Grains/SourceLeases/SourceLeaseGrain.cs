using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.SourceLeases;

namespace IngressFleet.Grains.SourceLeases;

internal sealed class SourceLeaseGrain(
    [PersistentState("source-lease", ControlPlaneNames.StorageName)] IPersistentState<SourceLeaseState> lease,
    TimeProvider time) : Grain, ISourceLeaseGrain
{
    public async Task<SourceLease> AcquireOrRenewAsync(string holder, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var now = time.GetUtcNow();
        var state = lease.State;
        var held = state.Holder is not null && state.ExpiresAt > now;
        if (held && state.Holder != holder)
        {
            return new SourceLease(state.Holder!, state.Term, state.ExpiresAt, Granted: false);
        }

        if (!held || state.Holder != holder)
        {
            state.Term++;
            state.Holder = holder;
        }

        state.ExpiresAt = now + duration;
        await lease.WriteStateAsync();
        return new SourceLease(holder, state.Term, state.ExpiresAt, Granted: true);
    }

    public async Task ReleaseAsync(string holder, long term)
    {
        if (lease.State.Holder == holder && lease.State.Term == term)
        {
            lease.State.ExpiresAt = DateTimeOffset.MinValue;
            await lease.WriteStateAsync();
        }
    }

    public Task<SourceLease?> GetAsync()
    {
        var state = lease.State;
        return Task.FromResult(state.Holder is null
            ? null
            : new SourceLease(state.Holder, state.Term, state.ExpiresAt, Granted: state.ExpiresAt > time.GetUtcNow()));
    }
}

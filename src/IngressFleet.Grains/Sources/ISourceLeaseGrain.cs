namespace IngressFleet.Sources;

/// <summary>The answer to a lease request: who holds the source lease, in which term, until when.</summary>
/// <param name="Holder">The silo that holds it.</param>
/// <param name="Epoch">The term: it grows by one with every new holder, and fences commits of older terms.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed, by the lease grain's clock.</param>
/// <param name="Granted">True when the caller holds it now.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.SourceLease")]
public sealed record SourceLease(string Holder, long Epoch, DateTimeOffset ExpiresAt, bool Granted);

/// <summary>
/// The one lease that lets a silo run the fleet's config source (manifest folder or Kubernetes watch):
/// at most one holder at a time; a holder that stops renewing loses it when it expires, and the next
/// silo that asks gets it with a higher epoch. Its state is persisted, so the lease survives the death
/// of the silo that hosts this grain.
/// </summary>
[Alias("ingressfleet.ISourceLeaseGrain")]
public interface ISourceLeaseGrain : IGrainWithStringKey
{
    /// <summary>Renews the caller's lease, or grants it if nobody holds an unexpired one.</summary>
    [Alias("AcquireOrRenew")]
    Task<SourceLease> AcquireOrRenewAsync(string holder, TimeSpan duration);

    /// <summary>Gives the lease up at once (graceful shutdown), if the caller still holds that term.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string holder, long epoch);

    /// <summary>The current lease, or null if none was ever granted.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<SourceLease?> GetAsync();
}

/// <summary>What the lease grain persists.</summary>
[GenerateSerializer, Alias("ingressfleet.SourceLeaseState")]
public sealed class SourceLeaseState
{
    [Id(0)] public string? Holder { get; set; }

    [Id(1)] public long Epoch { get; set; }

    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class SourceLeaseGrain(
    [PersistentState("source-lease", Config.ConfigStreamNames.StorageName)] IPersistentState<SourceLeaseState> lease,
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
            return new SourceLease(state.Holder!, state.Epoch, state.ExpiresAt, Granted: false);
        }

        if (!held || state.Holder != holder)
        {
            state.Epoch++;
            state.Holder = holder;
        }

        state.ExpiresAt = now + duration;
        await lease.WriteStateAsync();
        return new SourceLease(holder, state.Epoch, state.ExpiresAt, Granted: true);
    }

    public async Task ReleaseAsync(string holder, long epoch)
    {
        if (lease.State.Holder == holder && lease.State.Epoch == epoch)
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
            : new SourceLease(state.Holder, state.Epoch, state.ExpiresAt, Granted: state.ExpiresAt > time.GetUtcNow()));
    }
}

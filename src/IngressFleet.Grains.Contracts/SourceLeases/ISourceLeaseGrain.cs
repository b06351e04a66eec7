namespace IngressFleet.Grains.Contracts.SourceLeases;

/// <summary>
/// The one lease that lets a silo run the fleet's config source (manifest folder or Kubernetes watch):
/// at most one holder at a time; a holder that stops renewing loses it when it expires, and the next
/// silo that asks gets it with a higher term. Its state is persisted, so the lease survives the death
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
    Task ReleaseAsync(string holder, long term);

    /// <summary>The current lease, or null if none was ever granted.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<SourceLease?> GetAsync();
}

namespace IngressFleet.Grains.Contracts.Migration;

/// <summary>
/// Where any silo's admin API finds the migration report of the running config (key <c>fleet</c>): the source
/// holder offers itself here each time it renews its lease, and the report is made by it on request, so nothing
/// is computed or stored while nobody asks. Held in memory only; the next renewal offers the holder again.
/// </summary>
[Alias("ingressfleet.IMigrationViewGrain")]
public interface IMigrationViewGrain : IGrainWithStringKey
{
    /// <summary>The holder of source term <paramref name="term"/> offers itself; an older term's offer is ignored.</summary>
    [Alias("Offer")]
    Task OfferAsync(IMigrationViewSource source, long term);

    /// <summary>The report from the current holder; null when no holder has offered itself or it has not committed yet.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<MigrationView?> GetAsync(string format);
}

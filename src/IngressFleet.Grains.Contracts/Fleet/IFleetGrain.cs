namespace IngressFleet.Grains.Contracts.Fleet;

/// <summary>
/// Collects every silo's report of the version it serves, for the admin API's fleet view. Held in memory
/// only: reports repeat every second, so a reactivated grain is complete again within a second.
/// </summary>
[Alias("ingressfleet.IFleetGrain")]
public interface IFleetGrain : IGrainWithStringKey
{
    [Alias("Report")]
    Task ReportAsync(SiloReport report);

    [Alias("GetReports"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<SiloReportEntry>> GetReportsAsync();
}

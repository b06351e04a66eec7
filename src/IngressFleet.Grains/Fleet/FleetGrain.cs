using IngressFleet.Grains.Contracts.Fleet;

namespace IngressFleet.Grains.Fleet;

internal sealed class FleetGrain(TimeProvider time) : Grain, IFleetGrain
{
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, SiloReportEntry> _reports = new(StringComparer.Ordinal);

    public Task ReportAsync(SiloReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = time.GetUtcNow();
        _reports[report.Silo] = new SiloReportEntry(report, now);
        foreach (var stale in _reports.Where(r => now - r.Value.ReceivedAt > Forget).Select(r => r.Key).ToList())
        {
            _reports.Remove(stale);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiloReportEntry>> GetReportsAsync() =>
        Task.FromResult<IReadOnlyList<SiloReportEntry>>([.. _reports.Values.OrderBy(r => r.Report.Name, StringComparer.Ordinal)]);
}

namespace IngressFleet.Fleet;

/// <summary>What one silo says of itself, every second or so.</summary>
/// <param name="Silo">The silo's address (Orleans identity).</param>
/// <param name="Name">The silo's name (pod name in Kubernetes).</param>
/// <param name="HttpPort">Its proxy port.</param>
/// <param name="AdminPort">Its admin port.</param>
/// <param name="AppliedVersion">The config version it serves.</param>
/// <param name="AppliedAt">When it applied that version, by its clock.</param>
/// <param name="Ready">Whether its readiness check passes.</param>
/// <param name="RunsSource">Whether it holds the source lease.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.SiloReport")]
public sealed record SiloReport(
    string Silo,
    string Name,
    int HttpPort,
    int AdminPort,
    long AppliedVersion,
    DateTimeOffset AppliedAt,
    bool Ready,
    bool RunsSource);

/// <summary>A silo's last report and when the fleet grain received it.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.SiloReportEntry")]
public sealed record SiloReportEntry(SiloReport Report, DateTimeOffset ReceivedAt);

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

using IngressFleet.Core.Logging;
using IngressFleet.DataPlane.State;
using IngressFleet.DataPlane.Telemetry;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Fleet;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Fleet;

/// <summary>
/// Tells the <see cref="IFleetGrain"/> every second which version this silo serves, for the fleet view; a quiet
/// silo every two seconds, since each report is a message to another silo.
/// </summary>
internal sealed partial class FleetReporter(
    IClusterClient client,
    ILocalSiloDetails silo,
    ConfigInForce inForce,
    RequestCounters requests,
    ILocalSiloStatus local,
    IOptions<DistributionOptions> options,
    TimeProvider time,
    ILogger<FleetReporter> logger) : BackgroundService
{
    private static readonly TimeSpan QuietAtMost = TimeSpan.FromSeconds(2);

    /// <summary>How long a quiet silo waits between reports: twice the interval, at most 2 s, never less than the interval.</summary>
    private static TimeSpan Quiet(TimeSpan interval) => TimeSpan.FromTicks(Math.Max(interval.Ticks, Math.Min(interval.Ticks * 2, QuietAtMost.Ticks)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fleet = client.GetGrain<IFleetGrain>(ControlPlaneNames.FleetKey);
        var (endedBefore, measuredAt) = (requests.Ended, time.GetTimestamp());
        var startedAt = time.GetUtcNow();
        (long Version, bool Ready, bool Draining, bool RunsSource, long Ended, long InFlight)? lastSent = null;
        var sentAt = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var state = inForce.Current;
                var (ended, now) = (requests.Ended, time.GetTimestamp());
                var sent = (state.Version, local.Ready, local.Draining, local.RunsSource, ended, requests.InFlight);

                // A quiet silo (nothing served, nothing changed) reports less often, yet one lost report still leaves
                // it fresh on the page (reports 3 s apart at most, by default; the page warns after 5 s).
                if (sent == lastSent && time.GetElapsedTime(sentAt) < Quiet(options.Value.FleetReportInterval))
                {
                    await Task.Delay(options.Value.FleetReportInterval, time, stoppingToken);
                    continue;
                }

                var seconds = Math.Max((now - measuredAt) / (double)time.TimestampFrequency, 0.001);
                var rate = (ended - endedBefore) / seconds;
                (endedBefore, measuredAt) = (ended, now);
                await fleet.ReportAsync(new SiloReport(
                    silo.SiloAddress.ToString(),
                    silo.Name,
                    local.HttpPort,
                    local.AdminPort,
                    state.Version,
                    state.AppliedAt,
                    local.Ready,
                    local.RunsSource)
                {
                    RequestsPerSecond = rate,
                    InFlight = requests.InFlight,
                    Draining = local.Draining,
                    StartedAt = startedAt,
                    RecentlyApplied = [.. inForce.RecentlyApplied.Select(a => new AppliedVersion(a.Version, a.At))],
                });
                (lastSent, sentAt) = (sent, now);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.ReportFailed(logger, e);
            }

            await Task.Delay(options.Value.FleetReportInterval, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.FleetReporterReportFailed, LogLevel.Debug, "Reporting to the fleet view failed")]
        public static partial void ReportFailed(ILogger logger, Exception exception);
    }
}

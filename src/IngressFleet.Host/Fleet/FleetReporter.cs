using IngressFleet.Admin;
using IngressFleet.Hosting;
using IngressFleet.Proxy;
using IngressFleet.Sources;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace IngressFleet.Fleet;

/// <summary>Tells the <see cref="IFleetGrain"/> every second which version this silo serves, for the fleet view.</summary>
internal sealed partial class FleetReporter(
    IClusterClient client,
    ILocalSiloDetails silo,
    DataPlane dataPlane,
    Readiness readiness,
    SourceRunner sourceRunner,
    IOptions<IngressFleetOptions> options,
    TimeProvider time,
    ILogger<FleetReporter> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fleet = client.GetGrain<IFleetGrain>(Config.ConfigStreamNames.FleetKey);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var state = dataPlane.Current;
                await fleet.ReportAsync(new SiloReport(
                    silo.SiloAddress.ToString(),
                    options.Value.EffectiveName,
                    options.Value.HttpPort,
                    options.Value.AdminPort,
                    state.Version,
                    state.AppliedAt,
                    readiness.Check().Ready,
                    sourceRunner.RunsSource));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ReportFailed(logger, e);
            }

            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(800, LogLevel.Debug, "Reporting to the fleet view failed")]
        public static partial void ReportFailed(ILogger logger, Exception exception);
    }
}

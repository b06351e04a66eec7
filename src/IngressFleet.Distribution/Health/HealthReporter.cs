using System.Collections.Concurrent;
using System.Collections.Immutable;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Health;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Health;

/// <summary>
/// Passive health, the silo's half: requests only bump two counters per destination; every
/// <see cref="HealthOptions.HealthReportInterval"/> one loop sends each backend grain what this silo saw since the last report.
/// A round that finds nothing parks the loop until the next request is recorded, so an idle silo does not wake
/// ten times a second for nothing.
/// </summary>
internal sealed partial class HealthReporter(IClusterClient client, ILocalSiloDetails silo, IOptions<HealthOptions> options, TimeProvider time, ILogger<HealthReporter> logger) : BackgroundService, IPassiveHealthSink
{
    private readonly ConcurrentDictionary<(string Backend, string Destination), Counts> _counts = new();
    // Never disposed: a request recorded while the host shuts down may still release it.
    private readonly SemaphoreSlim _recorded = new(0, 1);
    private int _parked;

    /// <summary>Records one forwarded request's outcome: a failure is a connection failure, a timeout, or a 5xx the backend's policy counts.</summary>
    public void Record(string backend, string destination, bool failed, bool serverError)
    {
        var counts = _counts.GetOrAdd((backend, destination), static _ => new Counts());
        if (failed)
        {
            Interlocked.Increment(ref counts.Failures);
            if (serverError)
            {
                Interlocked.Increment(ref counts.ServerErrors);
            }
        }
        else
        {
            Interlocked.Increment(ref counts.Successes);
        }

        // A plain read on the request path; the exchange happens once per park, not once per request.
        if (Volatile.Read(ref _parked) != 0 && Interlocked.Exchange(ref _parked, 0) != 0)
        {
            _recorded.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.HealthReportInterval, time, stoppingToken);
            var batches = Collect();
            if (batches.Count == 0)
            {
                // Parked first (a full fence, so the second look cannot read before the flag is seen), then looked
                // again: a request recorded between the two rounds is either seen by the second look or wakes the loop.
                Interlocked.Exchange(ref _parked, 1);
                batches = Collect();
                if (batches.Count == 0)
                {
                    await _recorded.WaitAsync(stoppingToken);
                    continue;
                }

                if (Interlocked.Exchange(ref _parked, 0) == 0)
                {
                    // A request woke the loop meanwhile: take the release it left, or the next park would not wait.
                    await _recorded.WaitAsync(stoppingToken);
                }
            }

            await Task.WhenAll(batches.Select(b => SendAsync(b.Key, [.. b.Value])));
        }
    }

    /// <summary>What every destination saw since the last round, per backend, the counters reset as they are read.</summary>
    private Dictionary<string, List<DestinationOutcome>> Collect()
    {
        var batches = new Dictionary<string, List<DestinationOutcome>>(StringComparer.Ordinal);
        foreach (var ((backend, destination), counts) in _counts)
        {
            var successes = Interlocked.Exchange(ref counts.Successes, 0);
            var failures = Interlocked.Exchange(ref counts.Failures, 0);
            var serverErrors = Interlocked.Exchange(ref counts.ServerErrors, 0);
            if (successes + failures > 0)
            {
                (batches.TryGetValue(backend, out var list) ? list : batches[backend] = []).Add(new DestinationOutcome(destination, successes, failures) { ServerErrors = serverErrors });
            }
        }

        return batches;
    }

    private async Task SendAsync(string backend, ImmutableArray<DestinationOutcome> outcomes)
    {
        try
        {
            await client.GetGrain<IBackendGrain>(backend).ReportAsync(silo.Name, outcomes);
        }
        catch (Exception e)
        {
            // One lost report weakens one window's evidence; the next reports carry on.
            Log.ReportFailed(logger, backend, e.Message);
        }
    }

    private sealed class Counts
    {
        public int Successes;
        public int Failures;
        public int ServerErrors;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.HealthReporterReportFailed, LogLevel.Debug, "Health report for backend {Backend} failed: {Reason}")]
        public static partial void ReportFailed(ILogger logger, string backend, string reason);
    }
}

using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.State;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Options;

namespace IngressFleet.Distribution.Health;

/// <summary>
/// Active health, the silo's half: probes the backends whose grain assigned the probing to this silo (one
/// silo per backend, not every silo), and reports each result to the grain, which decides. Backends with
/// checks but no live prober (none named, or one that left the cluster, perhaps with the grain) are
/// nudged, which wakes their grain and makes it assign one.
/// </summary>
internal sealed partial class ActiveProber(
    IClusterClient client,
    ConfigInForce inForce,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    BackendConnector connector,
    IOptions<HealthOptions> options,
    TimeProvider time,
    ILogger<ActiveProber> logger) : BackgroundService
{
    private readonly Dictionary<string, (HealthCheck Check, CancellationTokenSource Stop, Task Loop)> _probing = new(StringComparer.Ordinal);
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = options.Value.ProbeConnectTimeout,
        ConnectCallback = connector.ConnectAsync,
#pragma warning disable CA5359 // Probes check that a pod answers, not who it is (as the proxy's forwards; see ProxyHandler).
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
#pragma warning restore CA5359
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = silo.SiloAddress.ToString();
        var nudged = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(self, nudged, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // One bad backend must not stop probing for the others, nor the host.
                    Log.ScanFailed(logger, e.GetType().Name, e.Message);
                }

                await Task.Delay(options.Value.ProberScanInterval, time, stoppingToken);
            }
        }
        finally
        {
            foreach (var key in _probing.Keys.ToList())
            {
                await StopAsync(key);
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task ScanAsync(string self, Dictionary<string, DateTimeOffset> nudged, CancellationToken stoppingToken)
    {
        var state = inForce.Current;
        var live = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).ToHashSet(StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, pool) in state.Backends)
        {
            if (pool.Endpoints.Health.Active is not { } check)
            {
                continue;
            }

            var prober = state.Health.Backends.GetValueOrDefault(key)?.Prober;
            if (prober == self)
            {
                wanted.Add(key);
                if (!_probing.TryGetValue(key, out var running) || running.Check != check)
                {
                    await StopAsync(key);
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    _probing[key] = (check, stop, ProbeAsync(key, check, self, stop.Token));
                    Log.Probing(logger, key, check.Path);
                }
            }
            else if ((prober is null || !live.Contains(prober)) && time.GetUtcNow() - nudged.GetValueOrDefault(key) > options.Value.ProberNudgeInterval)
            {
                nudged[key] = time.GetUtcNow();
                await NudgeAsync(key);
            }
        }

        foreach (var key in _probing.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            await StopAsync(key);
        }
    }

    private async Task NudgeAsync(string backend)
    {
        try
        {
            await client.GetGrain<IBackendGrain>(backend).PublishHealthAgainAsync();
        }
        catch (Exception e)
        {
            Log.ReportFailed(logger, backend, e.Message);
        }
    }

    private async Task StopAsync(string backend)
    {
        if (_probing.Remove(backend, out var running))
        {
            await running.Stop.CancelAsync();
            try
            {
                await running.Loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
            catch (Exception e)
            {
                Log.ScanFailed(logger, e.GetType().Name, e.Message);
            }

            running.Stop.Dispose();
        }
    }

    private async Task ProbeAsync(string backend, HealthCheck check, string self, CancellationToken cancellationToken)
    {
        var grain = client.GetGrain<IBackendGrain>(backend);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ProbeAllAsync(backend, check, self, grain, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ScanFailed(logger, e.GetType().Name, e.Message);
            }

            await Task.Delay(check.Interval, time, cancellationToken);
        }
    }

    private async Task ProbeAllAsync(string backend, HealthCheck check, string self, IBackendGrain grain, CancellationToken cancellationToken)
    {
        if (inForce.Current.Backends.GetValueOrDefault(backend) is { } pool)
        {
            var tls = pool.Endpoints.Tls;
            await Task.WhenAll(Enumerable.Range(0, pool.Count).Select(async i =>
            {
                var healthy = await ProbeOnceAsync(pool.Prefix(i, tls) + check.Path, check.Timeout, cancellationToken);
                try
                {
                    await grain.ReportProbeAsync(self, pool.Address(i), healthy);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.ReportFailed(logger, backend, e.Message);
                }
            }));
        }
    }

    /// <summary>Healthy: a 2xx or 3xx answer within the timeout.</summary>
    private async Task<bool> ProbeOnceAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd("ingressfleet-health-check");
            using var response = await _http.SendAsync(request, limit.Token);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ActiveProberProbing, LogLevel.Information, "This silo probes backend {Backend} at {Path}")]
        public static partial void Probing(ILogger logger, string backend, string path);

        [LoggerMessage(EventIds.ActiveProberScanFailed, LogLevel.Warning, "Active health checking failed for one pass and carries on: {Error}: {Reason}")]
        public static partial void ScanFailed(ILogger logger, string error, string reason);

        [LoggerMessage(EventIds.ActiveProberReportFailed, LogLevel.Debug, "Health report for backend {Backend} failed: {Reason}")]
        public static partial void ReportFailed(ILogger logger, string backend, string reason);
    }
}

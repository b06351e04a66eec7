using IngressFleet.Core.Logging;
using IngressFleet.Core.Translation;
using IngressFleet.Sources.Publishing;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>
/// The API-server source: mirrors Ingresses, IngressClasses, Services, EndpointSlices, TLS and Opaque Secrets (all
/// namespaces, or the listed ones) with one <see cref="Reflector{T}"/> per collection, publishes the whole
/// view once every collection has been listed, then again after each burst of changes, and writes Ingress
/// status. Only the silo holding the source lease runs it, so a fleet has one watcher and one status writer.
/// </summary>
internal sealed partial class KubernetesSource(
    IOptions<SourceOptions> options,
    IngressClassFilter filter,
    SourceInput input,
    TimeProvider time,
    ILoggerFactory loggers) : IConfigSource, IDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<KubernetesSource>();
    private readonly SemaphoreSlim _changed = new(0);

    public string Description
    {
        get
        {
            var namespaces = options.Value.WatchedNamespaces;
            return $"Kubernetes API ({(namespaces.Count == 0 ? "all namespaces" : "namespaces " + string.Join(", ", namespaces))})";
        }
    }

    public async Task RunAsync(ConfigPublisher publisher, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var api = new KubernetesApi(KubernetesApi.Configuration(settings.Kubeconfig));
        Log.Starting(_logger, api.Server, Description);
        var collections = new KubernetesCollections(
            api,
            settings.WatchedNamespaces,
            PublishServiceNamespace(settings),
            () => _changed.Release(),
            time,
            loggers.CreateLogger($"{typeof(KubernetesSource).Namespace}.Reflector"),
            settings.WatchTimeout,
            input);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var running = collections.All.Select(r => r.RunAsync(stop.Token)).ToList();
        var status = new IngressStatusWriter(api, filter, settings, loggers.CreateLogger<IngressStatusWriter>());
        try
        {
            var published = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(published ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(1), stoppingToken);
                await Task.Delay(settings.ManifestDebounce, time, stoppingToken);
                while (_changed.Wait(0, CancellationToken.None))
                {
                    // One publish covers every change that arrived meanwhile.
                }

                // Publishing before every collection is listed would delete what is not listed yet.
                if (!collections.Synced)
                {
                    continue;
                }

                var objects = collections.Snapshot();
                try
                {
                    await publisher.PublishAsync(objects, []);
                    published = true;
                    await status.UpdateAsync(objects, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException and not SourceLeaseLostException)
                {
                    // Keep what is in force; publish again shortly.
                    Log.PublishFailed(_logger, e);
                    _changed.Release();
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    public void Dispose() => _changed.Dispose();

    private static string? PublishServiceNamespace(SourceOptions settings) =>
        settings.PublishService?.Split('/')[0];

    private static partial class Log
    {
        [LoggerMessage(EventIds.KubernetesSourceStarting, LogLevel.Information, "Reading {Source} from {Server}")]
        public static partial void Starting(ILogger logger, string server, string source);

        [LoggerMessage(EventIds.KubernetesSourcePublishFailed, LogLevel.Warning, "Publishing the Kubernetes view failed; retrying")]
        public static partial void PublishFailed(ILogger logger, Exception exception);
    }
}

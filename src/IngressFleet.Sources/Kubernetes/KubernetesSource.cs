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
        var namespaces = settings.WatchedNamespaces;
        var reflectorLogger = loggers.CreateLogger($"{typeof(KubernetesSource).Namespace}.Reflector");
        Reflector<TObject> Mirror<TObject>(string path, string? fieldSelector = null)
            where TObject : class, k8s.IKubernetesObject<V1ObjectMeta> =>
            new(api, path, fieldSelector, () => _changed.Release(), time, reflectorLogger) { WatchTimeout = settings.WatchTimeout, Input = input };
        IEnumerable<string> Paths(string prefix, string resource) =>
            namespaces.Count == 0 ? [$"{prefix}/{resource}"] : namespaces.Select(ns => $"{prefix}/namespaces/{ns}/{resource}");

        var ingresses = Paths("/apis/networking.k8s.io/v1", "ingresses").Select(p => Mirror<V1Ingress>(p)).ToList();
        var classes = Mirror<V1IngressClass>("/apis/networking.k8s.io/v1/ingressclasses");
        var servicePaths = Paths("/api/v1", "services").ToList();
        if (namespaces.Count > 0 && PublishServiceNamespace(settings) is { } publishNamespace && !namespaces.Contains(publishNamespace))
        {
            // The published Service's addresses go into Ingress status, wherever it lives.
            servicePaths.Add($"/api/v1/namespaces/{publishNamespace}/services");
        }

        var services = servicePaths.Select(p => Mirror<V1Service>(p)).ToList();
        var slices = Paths("/apis/discovery.k8s.io/v1", "endpointslices").Select(p => Mirror<V1EndpointSlice>(p)).ToList();
        // TLS Secrets for certificates, Opaque ones for basic-auth users; never service-account tokens or other kinds.
        var secrets = Paths("/api/v1", "secrets")
            .SelectMany(p => new[] { Mirror<V1Secret>(p, $"type={CertificateTranslator.TlsSecretType}"), Mirror<V1Secret>(p, "type=Opaque") })
            .ToList();
        var synced = () => ingresses.All(r => r.Synced) && classes.Synced && services.All(r => r.Synced) && slices.All(r => r.Synced) && secrets.All(r => r.Synced);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var running = ingresses.Select(r => r.RunAsync(stop.Token))
            .Append(classes.RunAsync(stop.Token))
            .Concat(services.Select(r => r.RunAsync(stop.Token)))
            .Concat(slices.Select(r => r.RunAsync(stop.Token)))
            .Concat(secrets.Select(r => r.RunAsync(stop.Token)))
            .ToList();
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
                if (!synced())
                {
                    continue;
                }

                var objects = new ClusterObjects(
                    [.. ingresses.SelectMany(r => r.Items)],
                    [.. classes.Items],
                    [.. services.SelectMany(r => r.Items)],
                    [.. slices.SelectMany(r => r.Items)],
                    [],
                    [.. secrets.SelectMany(r => r.Items)]) { DefaultOrigin = "kubernetes" };
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

using System.Net;
using System.Text;
using System.Text.Json;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Sources.Publishing;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>
/// Writes <c>status.loadBalancer.ingress</c> of the Ingresses this controller serves: the addresses of the
/// published Service's load balancer (or the configured ones). Ingresses of other classes are never touched,
/// and a write happens only when an Ingress's status differs from what it should be.
/// </summary>
internal sealed partial class IngressStatusWriter(KubernetesApi api, IngressClassFilter filter, SourceOptions options, ILogger<IngressStatusWriter> logger)
{
    // Ingress key -> the resourceVersion its status was last written at, so a write is not repeated
    // before the watch has delivered the written object.
    private readonly Dictionary<string, string?> _writtenAt = new(StringComparer.Ordinal);

    public async Task UpdateAsync(ClusterObjects objects, CancellationToken cancellationToken)
    {
        if (Desired(objects) is not { } desired)
        {
            return;
        }

        var wanted = Signature(desired.Select(a => (a.Ip, a.Hostname)));
        foreach (var ingress in objects.Ingresses.Where(i => filter.Serves(i, objects.IngressClasses)))
        {
            var ns = ClusterObjects.NamespaceOf(ingress.Metadata);
            var name = ingress.Metadata?.Name ?? string.Empty;
            var key = ObjectKeys.Of(ns, name);
            var current = Signature((ingress.Status?.LoadBalancer?.Ingress ?? []).Select(a => ((string?)a.Ip, (string?)a.Hostname)));
            if (current == wanted || (_writtenAt.TryGetValue(key, out var at) && at == ingress.Metadata?.ResourceVersion))
            {
                continue;
            }

            var patch = JsonSerializer.Serialize(new
            {
                status = new { loadBalancer = new { ingress = desired.Select(a => a.Ip is not null ? (object)new { ip = a.Ip } : new { hostname = a.Hostname }) } },
            });
            using var content = new StringContent(patch, Encoding.UTF8, "application/merge-patch+json");
            try
            {
                using var response = await api.SendAsync(HttpMethod.Patch, $"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/{name}/status", content, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    continue;
                }

                await KubernetesApi.EnsureSuccessAsync(response, $"update status of Ingress {key}", cancellationToken);
                _writtenAt[key] = ingress.Metadata?.ResourceVersion;
                Log.Written(logger, key, string.Join(", ", desired.Select(a => a.Ip ?? a.Hostname)));
            }
            catch (Exception e) when (e is HttpRequestException or KubernetesApiException)
            {
                // Tried again with the next publish.
                Log.WriteFailed(logger, key, e);
            }
        }
    }

    /// <summary>The configured addresses, else the published Service's load-balancer addresses; null when there are none to write.</summary>
    private List<(string? Ip, string? Hostname)>? Desired(ClusterObjects objects)
    {
        if (!string.IsNullOrWhiteSpace(options.PublishStatusAddress))
        {
            return [.. options.PublishStatusAddress.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(a => IPAddress.TryParse(a, out _) ? (a, (string?)null) : ((string?)null, a))];
        }

        if (options.PublishService is not { } published)
        {
            return null;
        }

        var service = objects.Services.FirstOrDefault(s => ObjectKeys.Of(ClusterObjects.NamespaceOf(s.Metadata), s.Metadata?.Name ?? string.Empty) == published);
        var addresses = service?.Status?.LoadBalancer?.Ingress;
        return addresses is null || addresses.Count == 0
            ? null
            : [.. addresses.Select(a => (a.Ip, a.Hostname)).Where(a => a.Ip is not null || a.Hostname is not null)];
    }

    private static string Signature(IEnumerable<(string? Ip, string? Hostname)> addresses) =>
        string.Join(",", addresses.Select(a => a.Ip ?? a.Hostname).Order(StringComparer.Ordinal));

    private static partial class Log
    {
        [LoggerMessage(EventIds.IngressStatusWriterWritten, LogLevel.Information, "Ingress {Ingress} status set to {Addresses}")]
        public static partial void Written(ILogger logger, string ingress, string addresses);

        [LoggerMessage(EventIds.IngressStatusWriterWriteFailed, LogLevel.Warning, "Could not update the status of Ingress {Ingress}")]
        public static partial void WriteFailed(ILogger logger, string ingress, Exception exception);
    }
}

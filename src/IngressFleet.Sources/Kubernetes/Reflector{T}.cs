using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Sources.Publishing;
using k8s;
using k8s.Models;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>
/// Mirrors one collection of the API server (one kind, all namespaces or one): lists it, then watches from
/// the list's resourceVersion, with bookmarks; on a dropped or timed-out watch it watches again from the last
/// resourceVersion seen; on 410 Gone (the version was compacted away) it lists again and replaces its
/// contents. Errors are retried with backoff, and the objects already mirrored are kept meanwhile: a
/// transient error never empties the mirror.
/// </summary>
internal sealed partial class Reflector<T> : IReflector
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly KubernetesApi _api;
    private readonly string _path;
    private readonly string? _fieldSelector;
    private readonly Action _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private string? _resourceVersion;

    /// <param name="api">The API server.</param>
    /// <param name="path">The collection, e.g. <c>/apis/networking.k8s.io/v1/ingresses</c>.</param>
    /// <param name="fieldSelector">A field selector for list and watch, or null.</param>
    /// <param name="changed">Called after every change to the mirrored objects.</param>
    /// <param name="time">The clock of the backoff delays.</param>
    /// <param name="logger">Where errors are reported.</param>
    public Reflector(KubernetesApi api, string path, string? fieldSelector, Action changed, TimeProvider time, ILogger logger)
    {
        _api = api;
        _path = path;
        _fieldSelector = fieldSelector;
        _changed = changed;
        _time = time;
        _logger = logger;
    }

    /// <summary>True once the first list has been mirrored.</summary>
    public bool Synced { get; private set; }

    public IEnumerable<T> Items => _items.Values;

    /// <summary>Told whether listing and watching work.</summary>
    public SourceInput? Input { get; init; }

    /// <summary>How long the server keeps a watch open before it ends it (a normal end; the watch restarts).</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public Task ListOnceAsync(CancellationToken cancellationToken) => ListAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_resourceVersion is null)
                {
                    await ListAsync(cancellationToken);
                }

                await WatchAsync(
                    () =>
                    {
                        retry = FirstRetry;
                        Input?.Succeeded(_path);
                    },
                    cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubernetesApiException { Status: HttpStatusCode.Gone } or ResourceVersionGoneException)
            {
                Log.Gone(_logger, _path, _resourceVersion);
                _resourceVersion = null;
            }
            catch (Exception e) when (e is HttpRequestException or KubernetesApiException or IOException or JsonException or OperationCanceledException)
            {
                Input?.Failed(_path, e.Message);
                if (e is KubernetesApiException or JsonException)
                {
                    // The API server's answer says what went wrong; a stack trace of our retry loop would not.
                    Log.Failed(_logger, _path, retry, e.GetType().Name, e.Message);
                }
                else
                {
                    // Connections to the API server drop (restarts, load balancers): expected, and repaired by watching again.
                    Log.ConnectionLost(_logger, _path, retry, e.Message);
                }

                await Task.Delay(Jittered(retry), _time, cancellationToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    /// <summary>Lists the whole collection in pages and replaces the mirror with it.</summary>
    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        string? continueToken = null;
        string resourceVersion;
        do
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var query = Query(("limit", "500"), ("continue", continueToken));
            using var response = await _api.SendAsync(HttpMethod.Get, _path + query, null, timeout.Token);
            await KubernetesApi.EnsureSuccessAsync(response, $"list {_path}", timeout.Token);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var list = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);

            // Off the socket's own thread (socket completions run inline there): a page of 500 objects is not read on it.
            await Task.Yield();
            var metadata = list.RootElement.GetProperty("metadata");
            resourceVersion = metadata.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() ?? string.Empty : string.Empty;
            continueToken = metadata.TryGetProperty("continue", out var next) && next.GetString() is { Length: > 0 } token ? token : null;
            if (list.RootElement.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in array.EnumerateArray())
                {
                    var item = KubernetesJson.Deserialize<T>(element);
                    items[KeyOf(item)] = item;
                }
            }
        }
        while (continueToken is not null);

        foreach (var key in _items.Keys.Where(k => !items.ContainsKey(k)))
        {
            _items.TryRemove(key, out _);
        }

        foreach (var (key, item) in items)
        {
            _items[key] = item;
        }

        _resourceVersion = resourceVersion;
        Synced = true;
        Log.Listed(_logger, _path, items.Count, resourceVersion);
        _changed();
    }

    /// <summary>Watches from the mirrored resourceVersion until the server ends the watch or the connection drops.</summary>
    private async Task WatchAsync(Action started, CancellationToken cancellationToken)
    {
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The server ends the watch after timeoutSeconds; a connection that silently went away is given up on a bit later.
        watch.CancelAfter(WatchTimeout + TimeSpan.FromSeconds(30));
        var query = Query(
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("resourceVersion", _resourceVersion),
            ("timeoutSeconds", ((int)WatchTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await _api.SendAsync(HttpMethod.Get, _path + query, null, watch.Token);
        await KubernetesApi.EnsureSuccessAsync(response, $"watch {_path}", watch.Token);
        started();
        await using var body = await response.Content.ReadAsStreamAsync(watch.Token);
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(watch.Token) is { } line)
        {
            if (line.Length > 0)
            {
                Apply(line);
            }
        }
    }

    private void Apply(string line)
    {
        using var document = JsonDocument.Parse(line);
        var type = document.RootElement.GetProperty("type").GetString();
        var element = document.RootElement.GetProperty("object");
        switch (type)
        {
            case "ADDED" or "MODIFIED":
            {
                var item = KubernetesJson.Deserialize<T>(element);
                _items[KeyOf(item)] = item;
                _resourceVersion = item.Metadata?.ResourceVersion ?? _resourceVersion;
                _changed();
                break;
            }

            case "DELETED":
            {
                var item = KubernetesJson.Deserialize<T>(element);
                _items.TryRemove(KeyOf(item), out _);
                _resourceVersion = item.Metadata?.ResourceVersion ?? _resourceVersion;
                _changed();
                break;
            }

            case "BOOKMARK":
                _resourceVersion = element.GetProperty("metadata").GetProperty("resourceVersion").GetString() ?? _resourceVersion;
                break;

            case "ERROR":
            {
                var status = KubernetesJson.Deserialize<V1Status>(element);
                if (status.Code == (int)HttpStatusCode.Gone)
                {
                    throw new ResourceVersionGoneException(status.Message ?? "resource version too old");
                }

                throw new KubernetesApiException((HttpStatusCode)(status.Code ?? 500), $"watch {_path}: {status.Code} {status.Reason}: {status.Message}");
            }
        }
    }

    private string Query(params (string Name, string? Value)[] parameters)
    {
        var all = parameters.Where(p => p.Value is not null).ToList();
        if (_fieldSelector is not null)
        {
            all.Add(("fieldSelector", _fieldSelector));
        }

        return all.Count == 0 ? string.Empty : "?" + string.Join("&", all.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static string KeyOf(T item) => ObjectKeys.Of(item.Metadata?.NamespaceProperty ?? string.Empty, item.Metadata?.Name ?? string.Empty);

    /// <summary>So that silos retrying after one API server restart do not all come back at the same instant.</summary>
    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.75 + (Random.Shared.NextDouble() * 0.5));

    private static partial class Log
    {
        [LoggerMessage(EventIds.ReflectorListed, LogLevel.Debug, "Listed {Path}: {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string path, int count, string resourceVersion);

        [LoggerMessage(EventIds.ReflectorGone, LogLevel.Information, "Watch of {Path} from resourceVersion {ResourceVersion} is too old (410 Gone); listing again")]
        public static partial void Gone(ILogger logger, string path, string? resourceVersion);

        [LoggerMessage(EventIds.ReflectorConnectionLost, LogLevel.Information, "Connection for {Path} lost ({Reason}); watching again in about {Delay}")]
        public static partial void ConnectionLost(ILogger logger, string path, TimeSpan delay, string reason);

        [LoggerMessage(EventIds.ReflectorFailed, LogLevel.Warning, "List/watch of {Path} failed; retrying in about {Delay}, keeping the objects already seen: {Error}: {Reason}")]
        public static partial void Failed(ILogger logger, string path, TimeSpan delay, string error, string reason);
    }
}

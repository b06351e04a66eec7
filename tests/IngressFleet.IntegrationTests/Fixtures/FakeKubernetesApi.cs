using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// An in-process stand-in for the Kubernetes API server (none can run on these machines), speaking its wire
/// format for the collections IngressFleet reads: lists with a resourceVersion, chunked watch streams of
/// ADDED/MODIFIED/DELETED/BOOKMARK/ERROR lines from a resourceVersion, <c>410 Gone</c> for a compacted
/// version (as an HTTP status or as an ERROR event), the <c>type</c> field selector of Secrets, bearer-token
/// authentication, merge-patching of Ingress status, and faults on demand: failing requests, dropped watches.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-token";

    private static readonly Dictionary<string, (string ApiVersion, string Kind)> Resources = new(StringComparer.Ordinal)
    {
        ["ingresses"] = ("networking.k8s.io/v1", "Ingress"),
        ["ingressclasses"] = ("networking.k8s.io/v1", "IngressClass"),
        ["services"] = ("v1", "Service"),
        ["endpointslices"] = ("discovery.k8s.io/v1", "EndpointSlice"),
        ["secrets"] = ("v1", "Secret"),
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Resource, string Namespace, string Name), JsonObject> _objects = [];
    private readonly List<WatchEvent> _history = [];
    private readonly List<Channel<WatchEvent>> _watchers = [];
    private readonly List<HttpContext> _openWatches = [];
    private readonly WebApplication _app;
    private long _resourceVersion = 1000;
    private long _compactedThrough;
    private int _failuresLeft;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request, as method and path with query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Status patches received: Ingress <c>namespace/name</c> and the patch body.</summary>
    public ConcurrentQueue<(string Ingress, string Patch)> StatusPatches { get; } = new();

    /// <summary>Answer a too-old watch with an ERROR event carrying a 410 Status (as etcd compaction shows up mid-stream) instead of an HTTP 410.</summary>
    public bool GoneAsWatchEvent { get; set; }

    /// <summary>While true, every request fails with 500.</summary>
    public bool Unavailable { get; set; }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var app = LoopbackApp.Create();
        var api = new FakeKubernetesApi(app);
        app.Run(api.HandleAsync);
        api.Endpoint = await LoopbackApp.StartAsync(app);
        return api;
    }

    /// <summary>A kubeconfig file pointing at this server with its bearer token.</summary>
    public string WriteKubeconfig(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Endpoint.ToString().TrimEnd('/')}
            users:
            - name: tester
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
            current-context: fake
            """);
        return path;
    }

    /// <summary>Creates or replaces objects, as <c>kubectl apply</c> would: each gets the next resourceVersion and an ADDED or MODIFIED event.</summary>
    public void Apply(params object[] objects)
    {
        foreach (var o in objects)
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject();
            var kind = json["kind"]!.GetValue<string>();
            var resource = Resources.Single(r => r.Value.Kind == kind).Key;
            var metadata = json["metadata"]!.AsObject();
            var ns = resource == "ingressclasses" ? string.Empty : metadata["namespace"]?.GetValue<string>() ?? "default";
            if (ns.Length > 0)
            {
                metadata["namespace"] = ns;
            }

            lock (_gate)
            {
                var key = (resource, ns, metadata["name"]!.GetValue<string>());
                var type = _objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
                metadata["resourceVersion"] = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
                _objects[key] = json;
                Publish(new WatchEvent(_resourceVersion, resource, ns, type, json.DeepClone().AsObject()));
            }
        }
    }

    public void Delete(string resource, string ns, string name)
    {
        lock (_gate)
        {
            if (_objects.Remove((resource, ns, name), out var json))
            {
                json["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Publish(new WatchEvent(_resourceVersion, resource, ns, "DELETED", json));
            }
        }
    }

    /// <summary>The stored object, for reading what was written to it.</summary>
    public JsonObject? Get(string resource, string ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue((resource, ns, name), out var json) ? json.DeepClone().AsObject() : null;
        }
    }

    /// <summary>Forgets the event history: a watch from any version seen so far gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void Bookmark()
    {
        lock (_gate)
        {
            Publish(new WatchEvent(_resourceVersion, string.Empty, string.Empty, "BOOKMARK", new JsonObject()));
        }
    }

    /// <summary>Cuts every open watch connection mid-stream.</summary>
    public void DropWatches()
    {
        lock (_gate)
        {
            foreach (var context in _openWatches)
            {
                context.Abort();
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests fail with 500.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropWatches();
        await _app.DisposeAsync();
    }

    private void Publish(WatchEvent e)
    {
        if (e.Type != "BOOKMARK")
        {
            _history.Add(e);
        }

        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(e);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await StatusAsync(context, HttpStatusCode.Unauthorized, "Unauthorized", "no valid bearer token");
            return;
        }

        if (Unavailable || Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            await StatusAsync(context, HttpStatusCode.InternalServerError, "InternalError", "injected failure");
            return;
        }

        // /api/v1[/namespaces/{ns}]/{resource} or /apis/{group}/{version}[/namespaces/{ns}]/{resource}[/{name}/status]
        var segments = request.Path.Value!.Trim('/').Split('/');
        var rest = segments[0] == "api" ? segments[2..] : segments[3..];
        var ns = rest.Length >= 2 && rest[0] == "namespaces" ? rest[1] : null;
        if (ns is not null)
        {
            rest = rest[2..];
        }

        if (rest.Length == 0 || !Resources.ContainsKey(rest[0]))
        {
            await StatusAsync(context, HttpStatusCode.NotFound, "NotFound", $"no resource at {request.Path}");
            return;
        }

        var resource = rest[0];
        if (request.Method == "PATCH" && rest is [_, var name, "status"] && resource == "ingresses")
        {
            await PatchStatusAsync(context, ns!, name);
            return;
        }

        var fieldSelector = request.Query["fieldSelector"].ToString();
        bool Selected(string r, string n, JsonObject o) =>
            r == resource && (ns is null || n == ns) && (fieldSelector.Length == 0 || fieldSelector == $"type={o["type"]?.GetValue<string>()}");

        if (request.Query["watch"] is ["true" or "1"])
        {
            await WatchAsync(context, resource, Selected);
            return;
        }

        string body;
        lock (_gate)
        {
            var list = new JsonObject
            {
                ["apiVersion"] = Resources[resource].ApiVersion,
                ["kind"] = Resources[resource].Kind + "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray([.. _objects.Where(p => Selected(p.Key.Resource, p.Key.Namespace, p.Value)).Select(p => (JsonNode)p.Value.DeepClone())]),
            };
            body = list.ToJsonString();
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private async Task WatchAsync(HttpContext context, string resource, Func<string, string, JsonObject, bool> selected)
    {
        var from = long.Parse(context.Request.Query["resourceVersion"].ToString() is { Length: > 0 } rv ? rv : "0", System.Globalization.CultureInfo.InvariantCulture);
        var bookmarks = context.Request.Query["allowWatchBookmarks"] == "true";
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5);
        var events = Channel.CreateUnbounded<WatchEvent>();
        List<WatchEvent> replay;
        lock (_gate)
        {
            if (from < _compactedThrough && !GoneAsWatchEvent)
            {
                replay = [];
            }
            else
            {
                replay = [.. _history.Where(e => e.ResourceVersion > from)];
                _watchers.Add(events);
                _openWatches.Add(context);
            }
        }

        if (from < _compactedThrough && !GoneAsWatchEvent)
        {
            await StatusAsync(context, HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({_compactedThrough})");
            return;
        }

        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync();
            if (from < _compactedThrough)
            {
                var status = StatusObject(HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({_compactedThrough})");
                await WriteLineAsync(context, new JsonObject { ["type"] = "ERROR", ["object"] = status });
                return;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            stop.CancelAfter(timeout);
            foreach (var e in replay.Where(e => selected(e.Resource, e.Namespace, e.Object)))
            {
                await WriteLineAsync(context, new JsonObject { ["type"] = e.Type, ["object"] = e.Object.DeepClone() });
            }

            await foreach (var e in events.Reader.ReadAllAsync(stop.Token))
            {
                if (e.Type == "BOOKMARK")
                {
                    if (bookmarks)
                    {
                        var (apiVersion, kind) = Resources[resource];
                        var marker = new JsonObject
                        {
                            ["apiVersion"] = apiVersion,
                            ["kind"] = kind,
                            ["metadata"] = new JsonObject { ["resourceVersion"] = e.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        };
                        await WriteLineAsync(context, new JsonObject { ["type"] = "BOOKMARK", ["object"] = marker });
                    }
                }
                else if (selected(e.Resource, e.Namespace, e.Object))
                {
                    await WriteLineAsync(context, new JsonObject { ["type"] = e.Type, ["object"] = e.Object.DeepClone() });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The watch timed out (a normal end) or the connection was cut.
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(events);
                _openWatches.Remove(context);
            }
        }
    }

    private async Task PatchStatusAsync(HttpContext context, string ns, string name)
    {
        using var reader = new StreamReader(context.Request.Body);
        var patch = await reader.ReadToEndAsync();
        if (context.Request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
        {
            await StatusAsync(context, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "expected a merge patch");
            return;
        }

        StatusPatches.Enqueue(($"{ns}/{name}", patch));
        string body;
        lock (_gate)
        {
            if (!_objects.TryGetValue(("ingresses", ns, name), out var json))
            {
                body = string.Empty;
            }
            else
            {
                json["status"] = JsonNode.Parse(patch)!["status"]!.DeepClone();
                json["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Publish(new WatchEvent(_resourceVersion, "ingresses", ns, "MODIFIED", json.DeepClone().AsObject()));
                body = json.ToJsonString();
            }
        }

        if (body.Length == 0)
        {
            await StatusAsync(context, HttpStatusCode.NotFound, "NotFound", $"ingresses \"{name}\" not found");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private static async Task WriteLineAsync(HttpContext context, JsonObject line)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"));
        await context.Response.Body.FlushAsync();
    }

    private static JsonObject StatusObject(HttpStatusCode code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    };

    private static async Task StatusAsync(HttpContext context, HttpStatusCode code, string reason, string message)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StatusObject(code, reason, message).ToJsonString());
    }

    private sealed record WatchEvent(long ResourceVersion, string Resource, string Namespace, string Type, JsonObject Object);
}

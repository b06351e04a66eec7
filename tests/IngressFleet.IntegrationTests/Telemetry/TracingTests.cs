using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Telemetry;

/// <summary>
/// The real executable exporting over OTLP/HTTP to a receiver in this process, with a JSON application log
/// and the default access log on stdout, in front of an echo backend in this process.
/// </summary>
public sealed class TracedHostFixture : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-traced-").FullName;
    private ActivityListener _listener = null!;

    public OtlpReceiver Receiver { get; private set; } = null!;

    public EchoBackend Backend { get; private set; } = null!;

    public HostProcess Host { get; private set; } = null!;

    /// <summary>The backend's own server spans (ASP.NET Core in this process), as its tracer would export them.</summary>
    public ConcurrentQueue<Activity> BackendSpans { get; } = new();

    public async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        Backend = await EchoBackend.StartAsync("traced");
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = BackendSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);

        var closedPort = FreePorts.Take(1)[0];
        Write("apps.yaml",
        [
            Objects.Ingress("traced").Rule("traced.test", "/", "Prefix", "traced", "http").Build(),
            .. ObjectsForBackends.ServiceFor("traced", Backend),
            Objects.Ingress("down").Rule("down.test", "/", "Prefix", "down", 80).Build(),
            Objects.Service("down", "default", Objects.Port(80)),
            Objects.Slice("down", "default", null, closedPort, ("127.0.0.1", true)),
        ]);
        Host = HostProcess.Start(SiloPorts.Free(), OtlpReceiver.FastExport, ["--manifests", _folder, "--log-format", "Json", "--shutdown-delay", "0", .. Receiver.HostArgs]);
        await Host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => await Host.WhoAnswersAsync("traced.test", "/") == "traced", TimeSpan.FromSeconds(10), "traced route");
    }

    public void Dispose() => _listener.Dispose();

    public void Write(string file, params object[] objects)
    {
        var temp = Path.Combine(_folder, $".{file}.tmp");
        File.WriteAllText(temp, KubernetesYaml.SerializeAll(objects));
        File.Move(temp, Path.Combine(_folder, file), overwrite: true);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Backend.DisposeAsync();
        await Receiver.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class TracingTests(TracedHostFixture fixture, ITestOutputHelper output) : IClassFixture<TracedHostFixture>
{
    private static readonly TimeSpan Export = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ProxiedRequest_IsOneTrace_ServerSpan_ClientSpan_BackendSpan()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using var response = await SendAsync("traced.test", "/hello", $"00-{traceId}-{callerSpan}-01");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var (server, client) = await Eventually.ValueAsync(
            () =>
            {
                var spans = fixture.Receiver.Trace(traceId).ToList();
                var s = spans.FirstOrDefault(x => x.Kind == OtlpSpan.Server && x.Attribute("ingressfleet.route") == "default/traced");
                var c = s is null ? null : spans.FirstOrDefault(x => x.Kind == OtlpSpan.Client && x.ParentSpanId == s.SpanId);
                return Task.FromResult(c is null ? default : (s!, c));
            },
            Export,
            "the proxy's server and client spans exported");

        // The caller's traceparent is honoured: the proxy's server span is its child, in its trace.
        Assert.Equal(callerSpan, server.ParentSpanId);
        Assert.Equal("GET /", server.Name);
        Assert.Equal("default/traced:http", server.Attribute("ingressfleet.backend"));
        Assert.Equal($"http://127.0.0.1:{fixture.Backend.Port}", server.Attribute("ingressfleet.destination"));
        Assert.Equal("200", server.Attribute("http.response.status_code"));
        Assert.Equal("System.Net.Http", client.Scope);

        // The backend was sent the client span as its parent, and its own server span is that span's child.
        Assert.Equal($"00-{traceId}-{client.SpanId}-01", echoed.GetProperty("headers").GetProperty("traceparent").GetString());
        var backendSpan = await Eventually.ValueAsync(
            () => Task.FromResult(fixture.BackendSpans.FirstOrDefault(a => a.TraceId.ToHexString() == traceId)),
            Export,
            "the backend's span");
        Assert.Equal(client.SpanId, backendSpan.ParentSpanId.ToHexString());
        output.WriteLine($"trace {traceId}: caller {callerSpan} -> proxy server {server.SpanId} -> proxy client {client.SpanId} -> backend {backendSpan.SpanId}");
    }

    [Fact]
    public async Task AccessLog_IsJsonLines_WithTheRequest_AndNoSecrets()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/shop/cart?token=secret-in-query");
        request.Headers.Host = "traced.test";
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "secret-in-authorization");
        request.Headers.Add("Cookie", "session=secret-in-cookie");
        request.Headers.UserAgent.ParseAdd("tracing-test/1.0");
        using var response = await fixture.Host.Proxy.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Contains("secret-in-authorization", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);

        var entry = await Eventually.ValueAsync(
            () => Task.FromResult(AccessLogEntries().FirstOrDefault(e => e.TryGetProperty("trace_id", out var t) && t.GetString() == traceId)),
            Export,
            "the access log entry");

        Assert.Equal("traced.test", entry.GetProperty("host").GetString());
        Assert.Equal("GET", entry.GetProperty("method").GetString());
        Assert.Equal("/shop/cart", entry.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", entry.GetProperty("protocol").GetString());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        Assert.Equal(body.Length, entry.GetProperty("bytes").GetInt64());
        Assert.Equal("default/traced", entry.GetProperty("route").GetString());
        Assert.Equal($"http://127.0.0.1:{fixture.Backend.Port}", entry.GetProperty("upstream").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("client").GetString());
        Assert.Equal("tracing-test/1.0", entry.GetProperty("user_agent").GetString());
        Assert.True(entry.GetProperty("duration_ms").GetDouble() > 0);
        Assert.True(DateTimeOffset.UtcNow - entry.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(1));

        var log = fixture.Host.Process.ReadLog();
        Assert.DoesNotContain("secret-in", log, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-in", string.Join('\n', fixture.Receiver.Logs.Select(l => l.Body)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForwardFailure_IsLoggedWithTheTraceId_AndMarksTheSpan()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var response = await SendAsync("down.test", "/", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        // The application log line (JSON on stderr) carries the request's trace id, and so does its OTLP record.
        var line = await Eventually.ValueAsync(
            () => Task.FromResult(fixture.Host.Process.ReadLog().Split('\n').FirstOrDefault(l => l.Contains("Forwarding to backend", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal))),
            Export,
            "the forward failure logged");
        var logged = JsonDocument.Parse(line).RootElement;
        Assert.Equal("IngressFleet.DataPlane.Proxy.ProxyHandler", logged.GetProperty("Category").GetString());
        Assert.Contains(logged.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId);
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Receiver.Logs.Any(l => l.TraceId == traceId)), Export, "the log record exported with its trace id");

        var server = await Eventually.ValueAsync(
            () => Task.FromResult(fixture.Receiver.Trace(traceId).FirstOrDefault(s => s.Kind == OtlpSpan.Server)),
            Export,
            "the failed request's span");
        Assert.Equal("502", server.Attribute("http.response.status_code"));
        Assert.Equal("request", server.Attribute("error.type"));
    }

    [Fact]
    public async Task ConfigChange_IsOneTrace_FromPublishThroughTheGrainsToTheApply()
    {
        fixture.Write("added.yaml", Objects.Ingress("added").Rule("added.test", "/", "Prefix", "traced", "http").Build());
        await Eventually.HoldsAsync(async () => await fixture.Host.WhoAnswersAsync("added.test", "/") == "traced", TimeSpan.FromSeconds(10), "added route");
        var version = (await fixture.Host.AdminJsonAsync("/api/v1/status")).GetProperty("version").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var trace = await Eventually.ValueAsync(
            () =>
            {
                var apply = fixture.Receiver.Spans.FirstOrDefault(s => s.Name == "ingressfleet.config.apply" && s.Attribute("ingressfleet.config.version") == version);
                var spans = apply is null ? [] : fixture.Receiver.Trace(apply.TraceId).ToList();

                // Complete once every span's parent has arrived too (spans come in export batches).
                var ids = spans.Select(s => s.SpanId).ToHashSet();
                var complete = spans.Count > 0 && spans.Count(s => s.ParentSpanId is null) == 1 && spans.All(s => s.ParentSpanId is null || ids.Contains(s.ParentSpanId));
                return Task.FromResult(complete ? spans : null);
            },
            Export,
            $"a complete trace of the change to version {version}");

        foreach (var span in trace)
        {
            output.WriteLine($"{span.SpanId} <- {span.ParentSpanId ?? "(root)"} {span.Scope}: {span.Name}");
        }

        var root = Assert.Single(trace, s => s.ParentSpanId is null);
        Assert.Equal("ingressfleet.config.publish", root.Name);
        Assert.Equal(version, root.Attribute("ingressfleet.config.version"));
        Assert.Contains(trace, s => s.Scope.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.Name.Contains("CommitAsync", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Name == "ingressfleet.config.store" && s.Attribute("ingressfleet.config.changed_items") == "1");
        Assert.Contains(trace, s => s.Scope == "Microsoft.Orleans.Storage");
        var apply = Assert.Single(trace, s => s.Name == "ingressfleet.config.apply");
        Assert.Equal(OtlpSpan.Consumer, apply.Kind);
        Assert.Equal("Applied", apply.Attribute("ingressfleet.config.outcome"));
    }

    private IEnumerable<JsonElement> AccessLogEntries() =>
        fixture.Host.Process.ReadLog().Split('\n')
            .Where(l => l.StartsWith("{\"time\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement);

    private async Task<HttpResponseMessage> SendAsync(string host, string path, string traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        request.Headers.Add("traceparent", traceparent);
        return await fixture.Host.Proxy.SendAsync(request);
    }
}

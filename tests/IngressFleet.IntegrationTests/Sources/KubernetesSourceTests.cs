using System.Net;
using System.Diagnostics;
using IngressFleet.DataPlane.State;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Sources;

/// <summary>A host whose source is the (fake) API server, reached through a kubeconfig with a bearer token.</summary>
public sealed class KubernetesSourceFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ingressfleet-k8s-").FullName;

    public FakeKubernetesApi Api { get; private set; } = null!;

    public StandaloneHost Host { get; private set; } = null!;

    public EchoBackend A { get; private set; } = null!;

    public EchoBackend B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await EchoBackend.StartAsync("a");
        B = await EchoBackend.StartAsync("b");
        Api = await FakeKubernetesApi.StartAsync();
        Api.Apply(
            Objects.IngressClass("ingressfleet", "ingressfleet.io/ingress-controller"),
            Objects.IngressClass("nginx", "k8s.io/ingress-nginx"),
            Objects.Ingress("web").Class("ingressfleet").Rule("web.k8s.test", "/", "Prefix", "web", "http").Build(),
            Objects.Ingress("other").Class("nginx").Rule("other.k8s.test", "/", "Prefix", "web", "http").Build(),
            Objects.Service("web", "default", Objects.Port(80, "http")),
            Slice("web", A),
            LoadBalancer("203.0.113.7"));
        Host = await StandaloneHost.StartAsync(
            "--source", "Kubernetes", "--backend-loopback", "Allow",
            "--kubeconfig", Api.WriteKubeconfig(_directory),
            "--publish-service", "ingressfleet/ingressfleet",
            "--watch-ingress-without-class=false");
        await Eventually.HoldsAsync(async () => await Host.WhoAnswersAsync("web.k8s.test", "/") == "a", TimeSpan.FromSeconds(20), "the API server's Ingress served");
    }

    /// <summary>The EndpointSlice of a Service with one echo backend as its ready endpoint.</summary>
    public static V1EndpointSlice Slice(string service, EchoBackend backend)
    {
        var slice = Objects.Slice(service, "default", "http", backend.Port, ("127.0.0.1", true));
        slice.Metadata.Name = $"{service}-slice";
        return slice;
    }

    public static V1Service LoadBalancer(string ip)
    {
        var service = Objects.Service("ingressfleet", "ingressfleet", Objects.Port(80, "http"));
        service.Spec.Type = "LoadBalancer";
        service.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = ip }] } };
        return service;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Api.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class KubernetesSourceTests(KubernetesSourceFixture fixture, ITestOutputHelper output) : IClassFixture<KubernetesSourceFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeKubernetesApi _api = fixture.Api;
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task Routes_Appear_Change_AndDisappear_WithTheApiServersObjects()
    {
        _api.Apply(Objects.Ingress("life").Class("ingressfleet").Rule("life.k8s.test", "/v1", "Prefix", "web", "http").Build());
        var added = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("life.k8s.test", "/v1/x") == "a", Bound, "added");

        _api.Apply(Objects.Ingress("life").Class("ingressfleet").Rule("life.k8s.test", "/v2", "Prefix", "web", "http").Build());
        var changed = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("life.k8s.test", "/v2/x") == "a", Bound, "changed");
        Assert.Equal("404", await _host.WhoAnswersAsync("life.k8s.test", "/v1/x"));

        _api.Delete("ingresses", "default", "life");
        var deleted = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("life.k8s.test", "/v2/x") == "404", Bound, "deleted");
        output.WriteLine($"API event to served: add {added.TotalMilliseconds:0} ms, change {changed.TotalMilliseconds:0} ms, delete {deleted.TotalMilliseconds:0} ms");

        // Ingresses of another class are never served.
        Assert.Equal("404", await _host.WhoAnswersAsync("other.k8s.test", "/"));
    }

    [Fact]
    public async Task EndpointChurn_MovesDestinations_WithoutRebuildingRoutes_OrFailingRequests()
    {
        var inForce = _host.Services.GetRequiredService<ConfigInForce>();
        _api.Apply(Objects.Ingress("churn").Class("ingressfleet").Rule("churn.k8s.test", "/", "Prefix", "churn", "http").Build(), Objects.Service("churn", "default", Objects.Port(80, "http")), Slices("churn", fixture.A)[0]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("churn.k8s.test", "/") == "a", Bound, "churn route");
        var routeBuilds = inForce.RouteTablesBuiltForChanges;

        using var stop = new CancellationTokenSource();
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failures = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var who = await _host.WhoAnswersAsync("churn.k8s.test", "/");
                answered.AddOrUpdate(who, 1, (_, n) => n + 1);
                if (who is not ("a" or "b"))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        // Pods come and go; at every moment at least one ready endpoint is still running.
        foreach (var step in new[] { new[] { fixture.A, fixture.B }, [fixture.B], [fixture.A, fixture.B], [fixture.A] })
        {
            var slices = Slices("churn", step);
            _api.Apply([.. slices]);
            if (step.Length == 1)
            {
                _api.Delete("endpointslices", "default", $"churn-{(step[0] == fixture.A ? "b" : "a")}");
            }

            var expected = step.Select(b => b.Port).Order().ToArray();
            await Eventually.HoldsAsync(
                () => Task.FromResult(inForce.Current.Backends["default/churn:http"].Endpoints.Destinations.Select(d => d.Port).Order().SequenceEqual(expected)),
                Bound,
                $"destinations {string.Join(",", expected)}");
            await Task.Delay(300);
        }

        await stop.CancelAsync();
        await load;
        output.WriteLine($"answers during churn: {string.Join(", ", answered.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.Equal(0, failures);
        Assert.True(answered.GetValueOrDefault("b") > 0, "the added endpoint never answered");

        // Endpoint changes replace backend pools only; the anti-entropy repair may legitimately rebuild the
        // table from a snapshot, so what is counted is route tables built for changes.
        Assert.Equal(routeBuilds, inForce.RouteTablesBuiltForChanges);
    }

    [Fact]
    public async Task Watch_SurvivesADroppedConnection_ResumesFromABookmark_AndRelistsOn410()
    {
        // A connection cut mid-watch: the watch resumes from the last version seen, no list needed.
        var lists = ListsOfIngresses();
        _api.DropWatches();
        _api.Apply(Objects.Ingress("after-drop").Class("ingressfleet").Rule("drop.k8s.test", "/", "Prefix", "web", "http").Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("drop.k8s.test", "/") == "a", Bound, "served after the drop");
        Assert.Equal(lists, ListsOfIngresses());

        // A bookmark moves the Ingress watch to a version newer than any Ingress change; after compaction
        // and a cut, the watch resumes from the bookmark without a 410 and so without listing again.
        _api.Apply(Objects.Service("filler", "default", Objects.Port(80, "http")));
        _api.Bookmark();
        await Task.Delay(300);
        _api.Compact();
        _api.DropWatches();
        _api.Apply(Objects.Ingress("after-bookmark").Class("ingressfleet").Rule("bookmark.k8s.test", "/", "Prefix", "web", "http").Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("bookmark.k8s.test", "/") == "a", Bound, "served after the bookmark");
        Assert.Equal(lists, ListsOfIngresses());

        // While the source is cut off, an Ingress is deleted and history compacted: only a new list can show
        // the deletion. Both forms of 410 (HTTP status, ERROR event) lead to it.
        foreach (var asEvent in new[] { false, true })
        {
            var name = asEvent ? "away-event" : "away-status";
            _api.Apply(Objects.Ingress(name).Class("ingressfleet").Rule($"{name}.k8s.test", "/", "Prefix", "web", "http").Build());
            await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync($"{name}.k8s.test", "/") == "a", Bound, $"{name} served");
            var before = ListsOfIngresses();
            _api.GoneAsWatchEvent = asEvent;
            _api.Unavailable = true;
            _api.DropWatches();
            _api.Delete("ingresses", "default", name);
            _api.Compact();
            await Task.Delay(300);
            Assert.Equal("a", await _host.WhoAnswersAsync($"{name}.k8s.test", "/"));
            _api.Unavailable = false;
            await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync($"{name}.k8s.test", "/") == "404", TimeSpan.FromSeconds(40), $"{name} gone after the relist");
            Assert.True(ListsOfIngresses() > before, "no new list after 410");
        }

        _api.GoneAsWatchEvent = false;
    }

    [Fact]
    public async Task ApiErrors_KeepTheLastViewServing_AndTheSourceRecovers()
    {
        _api.Unavailable = true;
        _api.DropWatches();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.Equal("a", await _host.WhoAnswersAsync("web.k8s.test", "/"));
            await Task.Delay(100);
        }

        Assert.True((await _host.Admin.GetAsync("/healthz/ready")).IsSuccessStatusCode);
        _api.Unavailable = false;
        _api.Apply(Objects.Ingress("recovered").Class("ingressfleet").Rule("recovered.k8s.test", "/", "Prefix", "web", "http").Build());
        var recovered = await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("recovered.k8s.test", "/") == "a", TimeSpan.FromSeconds(40), "recovered");
        output.WriteLine($"served {recovered.TotalMilliseconds:0} ms after the API server came back");
    }

    [Fact]
    public async Task Status_IsWrittenForOurClassOnly_AndOnlyWhenItChanges()
    {
        await Eventually.HoldsAsync(() => Task.FromResult(StatusIp("web") == "203.0.113.7"), Bound, "status of our Ingress");
        var patches = PatchesOf("default/web");

        // A republish (an endpoint change) with the same address writes nothing.
        _api.Apply(KubernetesSourceFixture.Slice("web", fixture.A));
        await Task.Delay(500);
        Assert.Equal(patches, PatchesOf("default/web"));

        // The load balancer's address changes: the status follows.
        _api.Apply(KubernetesSourceFixture.LoadBalancer("203.0.113.8"));
        await Eventually.HoldsAsync(() => Task.FromResult(StatusIp("web") == "203.0.113.8"), Bound, "status follows the load balancer");
        Assert.Equal(patches + 1, PatchesOf("default/web"));
        Assert.Equal(0, PatchesOf("default/other"));
        Assert.Null(_api.Get("ingresses", "default", "other")!["status"]?["loadBalancer"]?["ingress"]);
        _api.Apply(KubernetesSourceFixture.LoadBalancer("203.0.113.7"));
    }

    [Fact]
    public async Task TlsAndOpaqueSecrets_AreReadWithTypeSelectors_AndServed()
    {
        var certificate = TestCertificates.Issue(["tls.k8s.test"]);
        var users = new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "users", NamespaceProperty = "default" }, Type = "Opaque", StringData = new Dictionary<string, string> { ["auth"] = "ann:{PLAIN}hunter2" } };
        var token = new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "token", NamespaceProperty = "default" }, Type = "kubernetes.io/service-account-token", StringData = new Dictionary<string, string> { ["auth"] = "ann:{PLAIN}token" } };
        _api.Apply(
            Objects.Ingress("tls").Class("ingressfleet").Rule("tls.k8s.test", "/", "Prefix", "web", "http").Tls("tls-cert", "tls.k8s.test").Build(),
            Objects.Ingress("authed").Class("ingressfleet").Rule("authed.k8s.test", "/", "Prefix", "web", "http")
                .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic").Annotate("nginx.ingress.kubernetes.io/auth-secret", "users").Build(),
            certificate.Secret("tls-cert"),
            users,
            token);
        await Eventually.HoldsAsync(
            async () => (await _host.AdminJsonAsync("/api/v1/certificates")).GetProperty("certificates").EnumerateArray().Any(c => c.GetProperty("secret").GetString() == "default/tls-cert"),
            Bound,
            "certificate from the API server");
        await Eventually.HoldsAsync(async () => await StatusAsync("ann:hunter2") == HttpStatusCode.OK, Bound, "basic auth with the users of an Opaque Secret");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("ann:token"));

        var secretRequests = _api.Requests.Where(r => r.Contains("/secrets", StringComparison.Ordinal)).ToList();
        Assert.All(secretRequests, r => Assert.True(
            r.Contains("fieldSelector=type%3Dkubernetes.io%2Ftls", StringComparison.Ordinal) || r.Contains("fieldSelector=type%3DOpaque", StringComparison.Ordinal),
            $"Secrets asked for without a type selector: {r}"));
        Assert.Contains(secretRequests, r => r.Contains("type%3DOpaque", StringComparison.Ordinal));
    }

    private async Task<HttpStatusCode> StatusAsync(string credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "authed.k8s.test";
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        using var response = await _host.Proxy.SendAsync(request);
        return response.StatusCode;
    }

    private static V1EndpointSlice[] Slices(string service, params EchoBackend[] backends) =>
    [
        .. backends.Select(b =>
        {
            var slice = Objects.Slice(service, "default", "http", b.Port, ("127.0.0.1", true));
            slice.Metadata.Name = $"{service}-{b.Name}";
            return slice;
        }),
    ];

    private int ListsOfIngresses() => _api.Requests.Count(r => r.StartsWith("GET /apis/networking.k8s.io/v1/ingresses", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));

    private int PatchesOf(string ingress) => _api.StatusPatches.Count(p => p.Ingress == ingress);

    private string? StatusIp(string name) => _api.Get("ingresses", "default", name)?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.GetValue<string>();
}

/// <summary>A host limited to some namespaces watches only those, through namespaced paths.</summary>
public sealed class KubernetesNamespaceScopeTests
{
    [Fact]
    public async Task OnlyTheListedNamespaces_AreWatched_AndServed()
    {
        var directory = Directory.CreateTempSubdirectory("ingressfleet-k8s-ns-").FullName;
        await using var backend = await EchoBackend.StartAsync("team");
        await using var api = await FakeKubernetesApi.StartAsync();
        foreach (var ns in new[] { "team-a", "team-b" })
        {
            var slice = Objects.Slice("web", ns, "http", backend.Port, ("127.0.0.1", true));
            api.Apply(
                Objects.Ingress("web", ns).Rule($"{ns}.k8s.test", "/", "Prefix", "web", "http").Build(),
                Objects.Service("web", ns, Objects.Port(80, "http")),
                slice);
        }

        await using (var host = await StandaloneHost.StartAsync("--source", "Kubernetes", "--backend-loopback", "Allow", "--kubeconfig", api.WriteKubeconfig(directory), "--namespaces", "team-a, team-c"))
        {
            await Eventually.HoldsAsync(async () => await host.WhoAnswersAsync("team-a.k8s.test", "/") == "team", TimeSpan.FromSeconds(20), "team-a served");
            Assert.Equal("404", await host.WhoAnswersAsync("team-b.k8s.test", "/"));
        }

        var paths = api.Requests.Select(r => r.Split(' ')[1].Split('?')[0]).Distinct().ToList();
        Assert.Contains("/apis/networking.k8s.io/v1/namespaces/team-a/ingresses", paths);
        Assert.Contains("/apis/discovery.k8s.io/v1/namespaces/team-c/endpointslices", paths);
        Assert.DoesNotContain(paths, p => p.Contains("team-b", StringComparison.Ordinal));
        Assert.DoesNotContain("/apis/networking.k8s.io/v1/ingresses", paths);
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>With the Kubernetes source, loopback backends are refused by default: in a pod, loopback is the controller itself.</summary>
public sealed class KubernetesLoopbackRefusalTests
{
    [Fact]
    public async Task LoopbackEndpointSlices_AndLocalhostExternalNames_AreRefused_WithAProblem()
    {
        var directory = Directory.CreateTempSubdirectory("ingressfleet-k8s-loopback-").FullName;
        await using var backend = await EchoBackend.StartAsync("loop");
        await using var api = await FakeKubernetesApi.StartAsync();
        var external = Objects.Service("ext", "default", Objects.Port(80, "http"));
        external.Spec.Type = "ExternalName";
        external.Spec.ExternalName = "localhost";
        api.Apply(
            Objects.Ingress("loop").Rule("loop.k8s.test", "/", "Prefix", "loop", "http").Rule("ext.k8s.test", "/", "Prefix", "ext", "http").Build(),
            Objects.Service("loop", "default", Objects.Port(80, "http")),
            Objects.Slice("loop", "default", "http", backend.Port, ("127.0.0.1", true)),
            external);

        await using (var host = await StandaloneHost.StartAsync("--source", "Kubernetes", "--kubeconfig", api.WriteKubeconfig(directory)))
        {
            var reason = await Eventually.ValueAsync(
                async () => (await host.AdminJsonAsync("/api/v1/problems")).GetProperty("rejected").EnumerateArray()
                    .Where(p => p.GetProperty("kind").GetString() == "Service" && p.GetProperty("name").GetString() == "loop")
                    .Select(p => p.GetProperty("reasons")[0].GetString()).FirstOrDefault(),
                TimeSpan.FromSeconds(20),
                "the loopback endpoint listed as refused");
            Assert.Contains($"127.0.0.1:{backend.Port} refused: loopback addresses are refused with the Kubernetes source", reason, StringComparison.Ordinal);
            Assert.Equal("503", await host.WhoAnswersAsync("loop.k8s.test", "/"));
            Assert.Equal("503", await host.WhoAnswersAsync("ext.k8s.test", "/"));
        }

        Directory.Delete(directory, recursive: true);
    }
}

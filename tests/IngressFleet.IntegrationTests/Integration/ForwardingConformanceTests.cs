using System.Globalization;
using System.Net;
using System.Text;
using IngressFleet.DataPlane.FastPath;
using IngressFleet.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IngressFleet.Tests.Integration;

/// <summary>
/// Two hosts in front of one raw-socket backend: one forwarding on the HTTP/1.1 fast path (the default), one with it
/// off (YARP's forwarder for everything). Every test runs against both, and each checks which path served it.
/// </summary>
public sealed class ForwardingConformanceFixture : IAsyncLifetime
{
    public const string Nginx = "nginx.ingress.kubernetes.io/";

    public ScriptedBackend Backend { get; private set; } = null!;

    public StandaloneHost FastPath { get; private set; } = null!;

    public StandaloneHost YarpPath { get; private set; } = null!;

    /// <summary>Answers that make their point by their bytes; anything else gets a 200 with its own target for a body.</summary>
    public static ScriptedReply Answer(ScriptedRequest request) => request.Target.Split('?')[0] switch
    {
        "/status" => ScriptedReply.Raw(
            "HTTP/1.1 299 Custom Reason\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\n"
            + "Upgrade: h2c\r\nX-Request-ID: from-the-backend\r\nX-Empty:\r\nContent-Length: 5\r\n\r\nhello"),
        "/chunked" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"),
        "/until-close" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close: true),
        "/http10" => ScriptedReply.Raw("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nold!", close: true),
        "/both-lengths" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n"),
        "/conflicting-lengths" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", close: true),
        "/bad-header" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 2\r\n\r\nok", close: true),
        "/bad-status" => ScriptedReply.Raw("HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok", close: true),
        "/huge-header" => ScriptedReply.Raw($"HTTP/1.1 200 OK\r\nX-Big: {new string('h', 70_000)}\r\nContent-Length: 2\r\n\r\nok", close: true),
        "/big-header" => ScriptedReply.Raw($"HTTP/1.1 200 OK\r\nX-Big: {new string('b', 40_000)}\r\nContent-Length: 2\r\n\r\nok"),
        "/early-hints" => ScriptedReply.Raw("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"),
        "/head" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"),
        "/no-content" => ScriptedReply.Raw("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
        "/then-close" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nclosed", close: true),
        "/connection-close" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose", close: true),
        "/cut" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b", close: true),
        "/cut-chunked" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nonly ten b", close: true),
        "/silent" => new ScriptedReply([], Silent: true),
        "/stream/True" or "/stream/False" => new ScriptedReply(
        [
            new ScriptedPart(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n")),
            new ScriptedPart(Encoding.ASCII.GetBytes("6\r\nsecond\r\n0\r\n\r\n"), StreamGates[request.Target.EndsWith("True", StringComparison.Ordinal)]),
        ]),
        "/late-bytes" => new ScriptedReply(
        [
            new ScriptedPart(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")),
            new ScriptedPart(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")),
        ]),
        "/too-long" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"),
        "/obs-text" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"\u00e9t\u00e9.txt\"\r\nContent-Length: 2\r\n\r\nok"),
        "/repeated-length" => ScriptedReply.Raw("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok"),
        _ => ScriptedReply.Ok(request.Target),
    };

    /// <summary>Opened by each path's streaming test once the first part reached its client.</summary>
    public static IReadOnlyDictionary<bool, SemaphoreSlim> StreamGates { get; } = new Dictionary<bool, SemaphoreSlim> { [true] = new(0), [false] = new(0) };

    public async Task InitializeAsync()
    {
        Backend = ScriptedBackend.Start(Answer);
        var refused = FreePorts.Take(1)[0];
        object[] objects =
        [
            Objects.Ingress("conformance").Rule("fidelity.test", "/", "Prefix", "scripted", 80).Build(),
            Objects.Ingress("impatient").Annotate(Nginx + "proxy-read-timeout", "1s").Rule("impatient.test", "/", "Prefix", "scripted", 80).Build(),
            Objects.Ingress("nowhere").Rule("refused.test", "/", "Prefix", "nowhere", 80).Build(),
            .. ObjectsForBackends.ServiceFor("scripted", "http", Backend.Port),
            .. ObjectsForBackends.ServiceFor("nowhere", "http", refused),
        ];
        // Both said explicitly: the suite also runs with the fast path off by default (tests/run.sh).
        FastPath = await StandaloneHost.StartAsync("--IngressFleet:Http1FastPath=true");
        YarpPath = await StandaloneHost.StartAsync("--IngressFleet:Http1FastPath=false");
        foreach (var host in new[] { FastPath, YarpPath })
        {
            host.Write("conformance.yaml", objects);
            await Eventually.HoldsAsync(async () => (await host.GetAsync("fidelity.test", "/ready")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "routes");
        }
    }

    public async Task DisposeAsync()
    {
        await FastPath.DisposeAsync();
        await YarpPath.DisposeAsync();
        await Backend.DisposeAsync();
    }
}

public sealed class ForwardingConformanceTests(ForwardingConformanceFixture fixture) : IClassFixture<ForwardingConformanceFixture>
{
    private readonly ScriptedBackend _backend = fixture.Backend;

    public static TheoryData<bool> BothPaths => new() { true, false };

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Request_ReachesTheBackendAsSent_WithForwardedHeaders_AndWithoutHopByHopOnes(bool fastPath)
    {
        var id = Guid.NewGuid().ToString("N");
        var response = await SendAsync(fastPath,
            $"GET /fidelity/{id}/a-b_c~d.e!$&'()*+,;=:@?x=1&y=%2f%20&z=a/b?c HTTP/1.1\r\nHost: fidelity.test\r\nX-Custom: kept\r\nX-Empty:\r\n"
            + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic c2VjcmV0\r\nTE: trailers\r\nUpgrade-Insecure-Requests: 1\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\nX-Forwarded-Prefix: /evil\r\nCookie: a=1\r\nCookie: b=2\r\n"
            + "Accept: text/html\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
            expectFastPath: true);

        Assert.Equal(200, response.Status);
        var seen = _backend.Last($"/fidelity/{id}/");
        Assert.Equal($"/fidelity/{id}/a-b_c~d.e!$&'()*+,;=:@?x=1&y=%2f%20&z=a/b?c", seen.Target);
        Assert.Equal("HTTP/1.1", seen.Version);
        Assert.Equal(["fidelity.test"], seen.Values("Host"));
        Assert.Equal(["kept"], seen.Values("X-Custom"));
        Assert.Equal(["127.0.0.1"], seen.Values("X-Forwarded-For"));
        Assert.Equal(["127.0.0.1"], seen.Values("X-Real-IP"));
        Assert.Equal(["http"], seen.Values("X-Forwarded-Proto"));
        Assert.Equal(["fidelity.test"], seen.Values("X-Forwarded-Host"));
        Assert.Equal(["a=1; b=2"], seen.Values("Cookie"));
        Assert.Equal(["text/html, application/json"], seen.Values("Accept"));
        Assert.Single(seen.Values("X-Request-ID"));
        foreach (var removed in new[] { "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Upgrade-Insecure-Requests", "Forwarded", "X-Forwarded-Prefix", "Content-Length", "Transfer-Encoding" })
        {
            Assert.False(seen.Has(removed), $"{removed} reached the backend");
        }
    }

    [Fact]
    public async Task SameRequest_ReachesTheBackendTheSame_OnBothPaths()
    {
        var heads = new List<string>();
        foreach (var fastPath in new[] { true, false })
        {
            var response = await SendAsync(fastPath,
                $"POST /same/{fastPath}?q=%2F%22%5B HTTP/1.1\r\nHost: fidelity.test\r\nX-Request-ID: fixed-id\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
                + "Cookie: a=1\r\nCookie: b=2\r\nX-Multi: 1\r\nX-Multi: 2\r\nUser-Agent: conformance\r\nConnection: close\r\n\r\n{\"qty\":3}",
                expectFastPath: true);
            Assert.Equal(200, response.Status);
            var seen = _backend.Last($"/same/{fastPath}");
            Assert.Equal($"/same/{fastPath}?q=%2F%22%5B", seen.Target);

            // An escaped unreserved character: Uri (YARP's path) decodes it, so the fast path leaves such a query to YARP.
            response = await SendAsync(fastPath, $"GET /same/{fastPath}/unreserved?q=%41%7e HTTP/1.1\r\nHost: fidelity.test\r\nConnection: close\r\n\r\n", expectFastPath: false);
            Assert.Equal(200, response.Status);
            Assert.Equal($"/same/{fastPath}/unreserved?q=A~", _backend.Last($"/same/{fastPath}/unreserved").Target);
            Assert.Equal("{\"qty\":3}", Encoding.UTF8.GetString(seen.Body));

            // The backend's view: header lines, in any order; the trace context differs by nature, the port by host.
            heads.Add(string.Join('\n', seen.Headers.Where(h => h.Name is not ("traceparent" or "X-Forwarded-Port")).Select(h => $"{h.Name.ToLowerInvariant()}: {h.Value}").Order(StringComparer.Ordinal)));
        }

        Assert.Equal(heads[1], heads[0]);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task RequestBodies_ArriveWhole_ChunkedOnesWithoutAContentLength(bool fastPath)
    {
        var small = new string('s', 1000);
        var response = await SendAsync(fastPath, $"PUT /body/small/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nContent-Length: {small.Length}\r\nConnection: close\r\n\r\n{small}", expectFastPath: true);
        Assert.Equal(200, response.Status);
        Assert.Equal(small, Encoding.ASCII.GetString(_backend.Last($"/body/small/{fastPath}").Body));

        // Over the fast path's 64 KiB: YARP's forwarder streams it.
        var large = new string('l', 100_000);
        response = await SendAsync(fastPath, $"PUT /body/large/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nContent-Length: {large.Length}\r\nConnection: close\r\n\r\n{large}", expectFastPath: false);
        Assert.Equal(200, response.Status);
        Assert.Equal(large, Encoding.ASCII.GetString(_backend.Last($"/body/large/{fastPath}").Body));

        response = await SendAsync(fastPath, $"POST /body/chunked/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", expectFastPath: false);
        Assert.Equal(200, response.Status);
        var chunked = _backend.Last($"/body/chunked/{fastPath}");
        Assert.Equal("hello", Encoding.ASCII.GetString(chunked.Body));
        Assert.False(chunked.Has("Content-Length"));

        // Both framings at once (a smuggling attempt): refused, or sent on with one framing only.
        response = await SendAsync(fastPath, $"POST /body/both/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", expectFastPath: false);
        if (response.Status == 200)
        {
            var both = _backend.Last($"/body/both/{fastPath}");
            Assert.False(both.Has("Content-Length") && both.Has("Transfer-Encoding"), "both framings reached the backend");
        }
        else
        {
            Assert.Equal(400, response.Status);
        }

        // A POST without a body says so, as HttpClient does.
        response = await SendAsync(fastPath, $"POST /body/none/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nConnection: close\r\n\r\n", expectFastPath: true);
        Assert.Equal(200, response.Status);
        Assert.Equal(["0"], _backend.Last($"/body/none/{fastPath}").Values("Content-Length"));
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Response_StatusReasonHeadersAndBody_PassOn_WithoutHopByHopHeaders(bool fastPath)
    {
        var response = await GetAsync(fastPath, "/status");

        Assert.Equal(299, response.Status);
        Assert.Equal("Custom Reason", response.Reason);
        Assert.Equal("hello", response.Text);
        Assert.True(response.Complete);
        Assert.Equal(["1"], response.Values("X-A"));
        Assert.Equal(["a=1", "b=2"], response.Values("Set-Cookie"));
        Assert.Equal([string.Empty], response.Values("X-Empty"));
        Assert.NotEqual(["from-the-backend"], response.Values("X-Request-ID"));
        Assert.Single(response.Values("X-Request-ID"));
        foreach (var removed in new[] { "Keep-Alive", "Proxy-Authenticate", "Upgrade" })
        {
            Assert.False(response.Has(removed), $"{removed} reached the client");
        }
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task ResponseFramings_ChunkedUntilCloseAndHttp10_ArriveWhole(bool fastPath)
    {
        var chunked = await GetAsync(fastPath, "/chunked");
        Assert.Equal((200, "hello world", true), (chunked.Status, chunked.Text, chunked.Complete));
        Assert.False(chunked.Has("X-Trailer"));

        var untilClose = await GetAsync(fastPath, "/until-close");
        Assert.Equal((200, "until the end"), (untilClose.Status, untilClose.Text));
        Assert.False(untilClose.Reset);

        var old = await GetAsync(fastPath, "/http10");
        Assert.Equal((200, "old!", true), (old.Status, old.Text, old.Complete));

        // Both lengths: Transfer-Encoding frames it, and the Content-Length does not reach the client (RFC 9112 6.3).
        var both = await GetAsync(fastPath, "/both-lengths");
        Assert.Equal((200, "0123456789", true), (both.Status, both.Text, both.Complete));
        Assert.NotEqual(["3"], both.Values("Content-Length"));

        var hints = await GetAsync(fastPath, "/early-hints");
        Assert.Equal((200, "final"), (hints.Status, hints.Text));

        var noContent = await GetAsync(fastPath, "/no-content");
        Assert.Equal(204, noContent.Status);
        Assert.Empty(noContent.Body);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task HeadResponse_KeepsItsLength_HasNoBody_AndTheConnectionCarriesOn(bool fastPath)
    {
        var head = await SendAsync(fastPath, "HEAD /head HTTP/1.1\r\nHost: fidelity.test\r\nConnection: close\r\n\r\n", expectFastPath: true);
        Assert.Equal(200, head.Status);
        Assert.Equal(["100"], head.Values("Content-Length"));
        Assert.Empty(head.Body);

        // The next request on the same backend connection is read correctly, not taken for the HEAD's body.
        var next = await GetAsync(fastPath, "/after-head");
        Assert.Equal((200, "/after-head"), (next.Status, next.Text));
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task MalformedOrAmbiguousResponses_AreABadGateway(bool fastPath)
    {
        foreach (var path in new[] { "/conflicting-lengths", "/bad-header", "/bad-status", "/huge-header" })
        {
            var response = await GetAsync(fastPath, path);
            Assert.True(response.Status == 502, $"{path}: {response.Status}");
        }

        var big = await GetAsync(fastPath, "/big-header");
        Assert.Equal(200, big.Status);
        Assert.Equal(40_000, Assert.Single(big.Values("X-Big")).Length);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task BackendClosingConnections_AfterAResponse_CostNoRequest(bool fastPath)
    {
        for (var i = 0; i < 5; i++)
        {
            // The backend closes without saying so, then says so: the next request must not land on the dead connection.
            Assert.Equal((200, "closed"), await StatusAndTextOnceRepliedAsync(fastPath, "/then-close"));
            Assert.Equal((200, "/after-close"), await StatusAndText(fastPath, "/after-close"));
            Assert.Equal((200, "close"), await StatusAndTextOnceRepliedAsync(fastPath, "/connection-close"));
            Assert.Equal((200, "/after-close"), await StatusAndText(fastPath, "/after-close"));

            // A request with a body is never sent twice; it must not meet the closed connection either.
            Assert.Equal((200, "closed"), await StatusAndTextOnceRepliedAsync(fastPath, "/then-close"));
            var post = await SendAsync(fastPath, "POST /after-close-post HTTP/1.1\r\nHost: fidelity.test\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody", expectFastPath: true);
            Assert.Equal((200, "/after-close-post"), (post.Status, post.Text));
        }
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task BackendDyingInsideTheBody_NeverGivesTheClientAWholeResponse(bool fastPath)
    {
        foreach (var path in new[] { "/cut", "/cut-chunked" })
        {
            var response = await GetAsync(fastPath, path);
            Assert.False(response.Status == 200 && response.Complete, $"{path}: a cut body reached the client as whole");
        }

        Assert.Equal((200, "/after-cut"), await StatusAndText(fastPath, "/after-cut"));
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task SilentBackend_IsAGatewayTimeout_AfterTheReadTimeout(bool fastPath)
    {
        var response = await SendAsync(fastPath, "GET /silent HTTP/1.1\r\nHost: impatient.test\r\nConnection: close\r\n\r\n", expectFastPath: true);
        Assert.Equal(504, response.Status);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task RefusedBackend_IsABadGateway(bool fastPath)
    {
        var response = await SendAsync(fastPath, "GET / HTTP/1.1\r\nHost: refused.test\r\nConnection: close\r\n\r\n", expectFastPath: true);
        Assert.Equal(502, response.Status);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task StreamedResponse_ReachesTheClient_BeforeItEnds(bool fastPath)
    {
        var host = Host(fastPath);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/stream/{fastPath}");
        request.Headers.Host = "fidelity.test";
        using var response = await host.Proxy.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[5];
        // Only the first part has been sent: this read completes only if the proxy passed it on without waiting for the rest.
        await body.ReadExactlyAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        ForwardingConformanceFixture.StreamGates[fastPath].Release();
        var rest = await new StreamReader(body).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("firstsecond", Encoding.ASCII.GetString(first) + rest);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task LargeRequestHeaders_AreForwarded_OversizedOnesRefused(bool fastPath)
    {
        var big = new string('v', 24_000);
        var response = await SendAsync(fastPath, $"GET /large-header/{fastPath} HTTP/1.1\r\nHost: fidelity.test\r\nX-Big: {big}\r\nConnection: close\r\n\r\n", expectFastPath: true);
        Assert.Equal(200, response.Status);
        Assert.Equal([big], _backend.Last($"/large-header/{fastPath}").Values("X-Big"));

        var oversized = await RawHttp.SendAsync(Host(fastPath).Proxy.BaseAddress!.Port, $"GET / HTTP/1.1\r\nHost: fidelity.test\r\nX-Big: {new string('v', 40_000)}\r\nConnection: close\r\n\r\n");
        Assert.Equal(431, oversized.Status);
    }

    /// <summary>
    /// Bytes a backend sends beyond its response have reached the idle connection before the next request comes (the
    /// test waits until the backend wrote them): they must end that connection, not answer the next request. (Bytes
    /// held back until the next request has gone out cannot be told from its answer, on either path.)
    /// </summary>
    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task BytesBeyondAResponse_NeverBecomeTheNextRequestsAnswer(bool fastPath)
    {
        for (var i = 0; i < 5; i++)
        {
            // A HEAD answered with a body after all, and a body longer than its Content-Length: the extra bytes stay on the
            // backend connection, which must not carry the next request.
            var replied = _backend.Replied;
            var head = await SendAsync(fastPath, "HEAD /late-bytes HTTP/1.1\r\nHost: fidelity.test\r\nConnection: close\r\n\r\n", expectFastPath: true);
            Assert.Equal(200, head.Status);
            await WaitRepliedAsync(replied);
            Assert.Equal((200, $"/next/{i}"), await StatusAndText(fastPath, $"/next/{i}"));
            Assert.Equal((200, "ok"), await StatusAndText(fastPath, "/too-long"));
            Assert.Equal((200, $"/next-after-long/{i}"), await StatusAndText(fastPath, $"/next-after-long/{i}"));
        }
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task ResponseHeaders_KestrelWillNotSend_OrARepeatedLength_AreABadGateway(bool fastPath)
    {
        Assert.Equal(502, (await GetAsync(fastPath, "/obs-text")).Status);
        Assert.Equal(502, (await GetAsync(fastPath, "/repeated-length")).Status);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task ConcurrentRequests_EachGetTheirOwnAnswer_OnReusedConnections(bool fastPath)
    {
        var host = Host(fastPath);
        var connectionsBefore = _backend.Connections;
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = host.Proxy.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var answers = await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/mine/{fastPath}/{i}");
            request.Headers.Host = "fidelity.test";
            using var response = await client.SendAsync(request);
            return (Expected: $"/mine/{fastPath}/{i}", Got: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a => Assert.Equal(a.Expected, a.Got));

        // 400 requests, at most 16 at a time: the proxy kept its backend connections alive rather than opening one a request.
        Assert.InRange(_backend.Connections - connectionsBefore, 1, 32);
    }

    private StandaloneHost Host(bool fastPath) => fastPath ? fixture.FastPath : fixture.YarpPath;

    /// <summary>As <see cref="StatusAndText"/>, then waits until the backend finished its reply (closing the connection, for some).</summary>
    private async Task<(int, string)> StatusAndTextOnceRepliedAsync(bool fastPath, string path)
    {
        var replied = _backend.Replied;
        var answer = await StatusAndText(fastPath, path);
        await WaitRepliedAsync(replied);
        return answer;
    }

    private async Task WaitRepliedAsync(int before) =>
        await Eventually.HoldsAsync(() => Task.FromResult(_backend.Replied > before), TimeSpan.FromSeconds(10), "the backend's reply written whole");

    private async Task<(int, string)> StatusAndText(bool fastPath, string path)
    {
        var response = await GetAsync(fastPath, path);
        return (response.Status, response.Text);
    }

    private Task<RawResponse> GetAsync(bool fastPath, string path) =>
        SendAsync(fastPath, $"GET {path} HTTP/1.1\r\nHost: fidelity.test\r\nConnection: close\r\n\r\n", expectFastPath: true);

    /// <summary>Sends a raw request; checks that the path under test served it (the fast path when it takes such a request, else YARP's).</summary>
    private async Task<RawResponse> SendAsync(bool fastPath, string request, bool expectFastPath)
    {
        var host = Host(fastPath);
        var before = await FastPathRequestsAsync(host);
        var response = await RawHttp.SendAsync(host.Proxy.BaseAddress!.Port, request);
        var after = await FastPathRequestsAsync(host);
        Assert.Equal(fastPath && expectFastPath ? before + 1 : before, after);
        return response;
    }

    private static Task<long> FastPathRequestsAsync(StandaloneHost host) =>
        Task.FromResult(host.Services.GetRequiredService<Http1Forwarder>().Forwarded);
}

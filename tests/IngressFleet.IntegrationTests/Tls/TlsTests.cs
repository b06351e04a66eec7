using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Tls;

/// <summary>
/// A host terminating TLS with certificates from Secrets in its manifest folder, in front of an HTTP/1.1 echo
/// backend, an h2c one (gRPC) and an HTTPS one.
/// </summary>
public sealed class TlsHostFixture : IAsyncLifetime
{
    public StandaloneHost Host { get; private set; } = null!;

    public EchoBackend Web { get; private set; } = null!;

    public EchoBackend Grpc { get; private set; } = null!;

    public EchoBackend Secure { get; private set; } = null!;

    public TestCertificate Exact { get; } = TestCertificates.Issue(["exact.tls.test"]);

    public TestCertificate Wildcard { get; } = TestCertificates.Issue(["*.wild.tls.test"]);

    public TestCertificate Override { get; } = TestCertificates.Issue(["x.wild.tls.test"]);

    public TestCertificate GrpcCertificate { get; } = TestCertificates.Issue(["grpc.tls.test"]);

    public async Task InitializeAsync()
    {
        Web = await EchoBackend.StartAsync("web");
        Grpc = await EchoBackend.StartAsync("grpc", protocols: HttpProtocols.Http2);
        Secure = await EchoBackend.StartAsync("secure", certificate: TestCertificates.Issue(["secure.svc"]).WithKey());
        Host = await StandaloneHost.StartAsync();
        Host.Write(
            "tls.yaml",
            [
            Objects.Ingress("tls")
                .Rule("exact.tls.test", "/", "Prefix", "web", "http")
                .Rule("a.wild.tls.test", "/", "Prefix", "web", "http")
                .Rule("x.wild.tls.test", "/", "Prefix", "web", "http")
                .Rule("secure.tls.test", "/", "Prefix", "secure", "https")
                .Tls("exact-cert", "exact.tls.test")
                .Tls("wild-cert", "*.wild.tls.test")
                .Tls("exact-cert", "secure.tls.test")
                .Annotate("ingressfleet.io/hsts", "max-age=600")
                .Build(),
            Objects.Ingress("override").Rule("other.tls.test", "/", "Prefix", "web", "http").Tls("override-cert", "x.wild.tls.test").Build(),
            Objects.Ingress("plain")
                .Rule("plain.tls.test", "/", "Prefix", "web", "http")
                .Tls("exact-cert", "plain.tls.test")
                .Annotate("nginx.ingress.kubernetes.io/ssl-redirect", "false")
                .Build(),
            Objects.Ingress("grpc")
                .Rule("grpc.tls.test", "/", "Prefix", "grpc", "grpc")
                .Tls("grpc-cert", "grpc.tls.test")
                .Annotate("ingressfleet.io/backend-protocol", "GRPC")
                .Build(),
            Objects.Ingress("ws").Rule(null, "/ws", "Prefix", "web", "http").Build(),
            Exact.Secret("exact-cert"),
            Wildcard.Secret("wild-cert"),
            Override.Secret("override-cert"),
            GrpcCertificate.Secret("grpc-cert"),
            .. ObjectsForBackends.ServiceFor("web", Web),
            .. ObjectsForBackends.ServiceFor("grpc", Grpc, "grpc"),
            .. ObjectsForBackends.ServiceFor("secure", Secure, "https"),
            ]);
        await Eventually.HoldsAsync(async () => (await Host.AdminJsonAsync("/api/v1/certificates")).GetProperty("certificates").GetArrayLength() == 4, TimeSpan.FromSeconds(10), "certificates loaded");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Web.DisposeAsync();
        await Grpc.DisposeAsync();
        await Secure.DisposeAsync();
    }
}

public sealed class TlsTests(TlsHostFixture fixture, ITestOutputHelper output) : IClassFixture<TlsHostFixture>
{
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task Sni_PicksTheExactName_ThenTheWildcard_ElseTheDefaultCertificate()
    {
        Assert.Equal(fixture.Exact.Thumbprint, (await HandshakeAsync("exact.tls.test")).Thumbprint);
        Assert.Equal(fixture.Exact.Thumbprint, (await HandshakeAsync("EXACT.tls.test")).Thumbprint);
        Assert.Equal(fixture.Wildcard.Thumbprint, (await HandshakeAsync("a.wild.tls.test")).Thumbprint);

        // An exact name wins over a wildcard, even from another Ingress.
        Assert.Equal(fixture.Override.Thumbprint, (await HandshakeAsync("x.wild.tls.test")).Thumbprint);

        // A wildcard covers one label only; unknown names and no SNI at all get the default certificate.
        foreach (var name in new[] { "b.c.wild.tls.test", "unknown.test", null })
        {
            var handshake = await HandshakeAsync(name);
            Assert.Equal("CN=ingressfleet-default", handshake.Subject);
        }
    }

    [Fact]
    public async Task Https_NegotiatesHttp2_AndTls12Or13_AndForwardsWithXForwardedProtoHttps()
    {
        var handshake = await HandshakeAsync("exact.tls.test");
        Assert.Equal(SslApplicationProtocol.Http2, handshake.Protocol);
        Assert.True(handshake.TlsVersion is System.Security.Authentication.SslProtocols.Tls12 or System.Security.Authentication.SslProtocols.Tls13);
        Assert.Equal(SslApplicationProtocol.Http11, (await HandshakeAsync("exact.tls.test", [SslApplicationProtocol.Http11])).Protocol);

        using var client = HttpsClient();
        using var response = await client.GetAsync(HttpsUri("exact.tls.test", "/orders"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https", echo.GetProperty("headers").GetProperty("X-Forwarded-Proto").GetString());
        Assert.Equal($"exact.tls.test:{_host.HttpsPort}", echo.GetProperty("headers").GetProperty("Host").GetString());
        Assert.Equal("max-age=600", response.Headers.GetValues("Strict-Transport-Security").Single());

        // An Ingress without its own value gets ingress-nginx's default, whatever the backend sent.
        using var defaulted = await client.GetAsync(HttpsUri("other.tls.test", "/"));
        Assert.Equal("max-age=31536000; includeSubDomains", defaulted.Headers.GetValues("Strict-Transport-Security").Single());

        // Without SNI the Host header still picks the route: SNI chooses the certificate only.
        using var noSni = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{_host.HttpsPort}/orders") { Version = HttpVersion.Version20 };
        noSni.Headers.Host = "exact.tls.test";
        using var routed = await client.SendAsync(noSni);
        Assert.Equal("web", routed.Headers.GetValues("X-Echo-Backend").Single());
    }

    [Fact]
    public async Task PlainHttp_ToATlsHost_Gets308ToHttps_UnlessTheIngressTurnsItOff()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cart/add?item=42") { Content = new StringContent("x") };
        request.Headers.Host = "exact.tls.test";
        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = _host.Proxy.BaseAddress };
        using var redirected = await noRedirects.SendAsync(request);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal($"https://exact.tls.test:{_host.HttpsPort}/cart/add?item=42", redirected.Headers.Location!.ToString());
        Assert.False(redirected.Headers.Contains("X-Echo-Backend"));

        // nginx's annotation is read too; no HSTS over plain HTTP.
        using var plain = await _host.GetAsync("plain.tls.test", "/");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));

        // A host without TLS is not redirected.
        using var other = await _host.GetAsync("other.tls.test", "/");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Rotation_NewHandshakesGetTheNewCertificate_OpenConnectionsKeepWorking()
    {
        var first = TestCertificates.Issue(["rotate.tls.test"]);
        _host.Write(
            "rotate.yaml",
            Objects.Ingress("rotate").Rule("rotate.tls.test", "/", "Prefix", "web", "http").Tls("rotate-cert", "rotate.tls.test").Build(),
            first.Secret("rotate-cert"));
        await Eventually.HoldsAsync(async () => (await HandshakeAsync("rotate.tls.test")).Thumbprint == first.Thumbprint, TimeSpan.FromSeconds(10), "first certificate served");

        var handshakes = 0;
        using var open = HttpsClient(maxConnections: 1, onHandshake: () => Interlocked.Increment(ref handshakes));
        using (var response = await open.GetAsync(HttpsUri("rotate.tls.test", "/before")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var second = TestCertificates.Issue(["rotate.tls.test"]);
        var clock = Stopwatch.StartNew();
        _host.Write("rotate.yaml", Objects.Ingress("rotate").Rule("rotate.tls.test", "/", "Prefix", "web", "http").Tls("rotate-cert", "rotate.tls.test").Build(), second.Secret("rotate-cert"));
        await Eventually.HoldsAsync(async () => (await HandshakeAsync("rotate.tls.test")).Thumbprint == second.Thumbprint, TimeSpan.FromSeconds(5), "rotated certificate served");
        output.WriteLine($"new handshakes got the rotated certificate {clock.ElapsedMilliseconds} ms after the Secret was written");

        using (var response = await open.GetAsync(HttpsUri("rotate.tls.test", "/after")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, handshakes);
        _host.Delete("rotate.yaml");
    }

    [Fact]
    public async Task BadSecrets_AreRejectedAlone_WithAReason_AndThePreviousCertificateKeepsServing()
    {
        var good = TestCertificates.Issue(["bad.tls.test"]);
        var other = TestCertificates.Issue(["bad.tls.test"]);
        var expired = TestCertificates.Issue(["bad.tls.test"], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        object Ingress() => Objects.Ingress("bad")
            .Rule("bad.tls.test", "/", "Prefix", "web", "http")
            .Rule("bad2.tls.test", "/", "Prefix", "web", "http")
            .Rule("bad3.tls.test", "/", "Prefix", "web", "http")
            .Tls("bad-cert", "bad.tls.test")
            .Tls("bad2-cert", "bad2.tls.test")
            .Tls("bad3-cert", "bad3.tls.test")
            .Build();
        _host.Write("bad.yaml", Ingress(), good.Secret("bad-cert"), good.Secret("bad2-cert"), good.Secret("bad3-cert"));
        await Eventually.HoldsAsync(async () => (await HandshakeAsync("bad3.tls.test")).Thumbprint == good.Thumbprint, TimeSpan.FromSeconds(10), "good certificates served");

        _host.Write(
            "bad.yaml",
            Ingress(),
            TestCertificates.Secret("bad-cert", "default", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n", good.KeyPem),
            TestCertificates.Secret("bad2-cert", "default", good.CertificatePem, other.KeyPem),
            expired.Secret("bad3-cert"));
        var rejected = await Eventually.ValueAsync(
            async () =>
            {
                var problems = (await _host.AdminJsonAsync("/api/v1/problems")).GetProperty("rejected").EnumerateArray()
                    .Where(p => p.GetProperty("kind").GetString() == "Secret" && p.GetProperty("name").GetString()!.StartsWith("bad", StringComparison.Ordinal))
                    .ToDictionary(p => p.GetProperty("name").GetString()!, p => string.Join("; ", p.GetProperty("reasons").EnumerateArray().Select(r => r.GetString())));
                return problems.Count == 3 ? problems : null;
            },
            TimeSpan.FromSeconds(10),
            "three Secrets rejected");
        foreach (var (name, reason) in rejected)
        {
            output.WriteLine($"{name}: {reason}");
        }

        Assert.Contains("tls.crt", rejected["bad-cert"], StringComparison.Ordinal);
        Assert.Contains("key", rejected["bad2-cert"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expired", rejected["bad3-cert"], StringComparison.Ordinal);

        // Each keeps its last valid certificate; other hosts are untouched.
        foreach (var host in new[] { "bad.tls.test", "bad2.tls.test", "bad3.tls.test" })
        {
            Assert.Equal(good.Thumbprint, (await HandshakeAsync(host)).Thumbprint);
        }

        Assert.Equal(fixture.Exact.Thumbprint, (await HandshakeAsync("exact.tls.test")).Thumbprint);

        // Key material appears nowhere in the admin API.
        var keyLine = good.KeyPem.Split('\n')[1];
        foreach (var path in new[] { "/api/v1/certificates", "/api/v1/problems", "/api/v1/routes", "/api/v1/backends", "/api/v1/status" })
        {
            Assert.DoesNotContain(keyLine, await _host.Admin.GetStringAsync(path), StringComparison.Ordinal);
        }

        var listed = (await _host.AdminJsonAsync("/api/v1/certificates")).GetProperty("certificates").EnumerateArray()
            .Single(c => c.GetProperty("secret").GetString() == "default/bad-cert");
        Assert.Equal(["bad.tls.test"], listed.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(64, listed.GetProperty("sha256Fingerprint").GetString()!.Length);
        _host.Delete("bad.yaml");
    }

    [Fact]
    public async Task Grpc_IsProxiedAsHttp2EndToEnd_WithTrailers()
    {
        using var channel = GrpcChannel.ForAddress(HttpsUri("grpc.tls.test", "/"), new GrpcChannelOptions { HttpHandler = HttpsHandler() });
        var method = new Method<byte[], byte[]>(MethodType.Unary, "echo.Echo", "Say", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var payload = Encoding.UTF8.GetBytes("hello over grpc");
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), payload);
        Assert.Equal(payload, await call.ResponseAsync);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("grpc", (await call.ResponseHeadersAsync).GetValue("x-echo-backend"));
    }

    [Fact]
    public async Task WebSocket_IsProxied_BothWays()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_host.Proxy.BaseAddress!.Port}/ws/echo"), CancellationToken.None);
        foreach (var text in new[] { "first", "second message" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task HttpsBackend_IsSpokenToOverTls_WhenItsServicePortIsNamedHttps()
    {
        using var client = HttpsClient();
        using var response = await client.GetAsync(HttpsUri("secure.tls.test", "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("secure", echo.GetProperty("backend").GetString());
        Assert.Equal("https", echo.GetProperty("scheme").GetString());
    }

    private Uri HttpsUri(string host, string path) => new($"https://{host}:{_host.HttpsPort}{path}");

    /// <summary>Resolves every name to the host's loopback HTTPS port; trusts any certificate (the tests check which one).</summary>
    private SocketsHttpHandler HttpsHandler(int maxConnections = int.MaxValue, Action? onHandshake = null) => new()
    {
        MaxConnectionsPerServer = maxConnections,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, _host.HttpsPort, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, _, _, _) =>
            {
                onHandshake?.Invoke();
                return true;
            },
        },
    };

    private HttpClient HttpsClient(int maxConnections = int.MaxValue, Action? onHandshake = null) =>
        new(HttpsHandler(maxConnections, onHandshake))
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Timeout = TimeSpan.FromSeconds(10),
        };

    private sealed record Handshake(string Thumbprint, string Subject, SslApplicationProtocol Protocol, System.Security.Authentication.SslProtocols TlsVersion);

    /// <summary>A TLS handshake with the HTTPS port, sending <paramref name="serverName"/> as SNI (none when null).</summary>
    private async Task<Handshake> HandshakeAsync(string? serverName, List<SslApplicationProtocol>? protocols = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? string.Empty,
            ApplicationProtocols = protocols ?? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        using var certificate = new X509Certificate2(tls.RemoteCertificate!);
        return new Handshake(certificate.Thumbprint, certificate.Subject, tls.NegotiatedApplicationProtocol, tls.SslProtocol);
    }
}

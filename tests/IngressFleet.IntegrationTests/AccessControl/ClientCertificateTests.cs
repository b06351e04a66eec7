using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.AccessControl;

/// <summary>
/// Client certificates (ingress-nginx's <c>auth-tls-*</c>) on real TLS connections: accepted, refused, optional,
/// the headers the backend sees, spoofed ones ignored, and a connection set up for one name refused for another.
/// </summary>
public sealed class ClientCertificateTests : IAsyncLifetime, IDisposable
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly Authority _trusted = new("CN=Trusted Client CA");
    private readonly Authority _rogue = new("CN=Rogue CA");
    private EchoBackend _echo = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _echo = await EchoBackend.StartAsync("echo");
        _host = await StandaloneHost.StartAsync();
        var server = TestCertificates.Issue(["mtls.test", "optional.test", "open.test"]);
        _host.Write(
            "mtls.yaml",
            [
                server.Secret("server"),
                new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "client-ca", NamespaceProperty = "default" }, Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes(_trusted.Pem) } },
                Objects.Ingress("mtls").Rule("mtls.test", "/", "Prefix", "echo", "http").Tls("server", "mtls.test")
                    .Annotate("nginx.ingress.kubernetes.io/auth-tls-secret", "default/client-ca")
                    .Annotate("nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream", "true").Build(),
                Objects.Ingress("optional").Rule("optional.test", "/", "Prefix", "echo", "http").Tls("server", "optional.test")
                    .Annotate("nginx.ingress.kubernetes.io/auth-tls-secret", "client-ca")
                    .Annotate("nginx.ingress.kubernetes.io/auth-tls-verify-client", "optional").Build(),
                Objects.Ingress("open").Rule("open.test", "/", "Prefix", "echo", "http").Tls("server", "open.test").Build(),
                .. ObjectsForBackends.ServiceFor("echo", _echo),
            ]);
        await Eventually.HoldsAsync(async () => (await GetAsync("mtls.test", _trusted.Issue("CN=ann")))!.Status == HttpStatusCode.OK, Bound, "mtls.test served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _echo.DisposeAsync();
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _rogue.Dispose();
    }

    [Fact]
    public async Task Required_ATrustedCertificateIsLetThrough_WithNginxsHeaders()
    {
        using var certificate = _trusted.Issue("CN=ann,O=Shop");
        var answer = await GetAsync("mtls.test", certificate, ("ssl-client-verify", "SUCCESS"), ("ssl-client-subject-dn", "CN=admin"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("SUCCESS", answer.Echo!.Headers["ssl-client-verify"]);
        Assert.Equal("O=Shop, CN=ann", answer.Echo.Headers["ssl-client-subject-dn"]);
        Assert.Equal("CN=Trusted Client CA", answer.Echo.Headers["ssl-client-issuer-dn"]);
        Assert.StartsWith("-----BEGIN%20CERTIFICATE-----", answer.Echo.Headers["ssl-client-cert"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_AMissingOrUntrustedCertificate_Gets400()
    {
        using var rogue = _rogue.Issue("CN=mallory");

        var missing = await GetAsync("mtls.test", null);
        var untrusted = await GetAsync("mtls.test", rogue);

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("No required SSL certificate was sent", missing.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, untrusted.Status);
        Assert.Contains("The SSL certificate error", untrusted.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Optional_NoCertificateIsLetThrough_AnUntrustedOneIsNot()
    {
        using var rogue = _rogue.Issue("CN=mallory");

        var none = await GetAsync("optional.test", null, ("ssl-client-verify", "SUCCESS"));
        var untrusted = await GetAsync("optional.test", rogue);

        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Equal("NONE", none.Echo!.Headers["ssl-client-verify"]);
        Assert.Equal(HttpStatusCode.BadRequest, untrusted.Status);
    }

    [Fact]
    public async Task AHostWithoutClientCertificates_NeverPassesClientSentCertificateHeaders()
    {
        var answer = await GetAsync("open.test", null, ("ssl-client-verify", "SUCCESS"), ("ssl-client-subject-dn", "CN=admin"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.False(answer.Echo!.Headers.ContainsKey("ssl-client-verify"));
        Assert.False(answer.Echo.Headers.ContainsKey("ssl-client-subject-dn"));
    }

    [Fact]
    public async Task AConnectionSetUpForAnotherName_Gets421_ForAHostThatAsksForCertificates()
    {
        // SNI open.test (no certificate asked for), then a request for mtls.test on that same connection.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "open.test",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: mtls.test\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 421", statusLine, StringComparison.Ordinal);
    }

    private async Task<Answer> GetAsync(string host, X509Certificate2? certificate, params (string Name, string Value)[] headers)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, _host.HttpsPort, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        })
        { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{host}:{_host.HttpsPort}/") { Version = HttpVersion.Version11 };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var echo = response.StatusCode == HttpStatusCode.OK ? System.Text.Json.JsonSerializer.Deserialize<EchoResponse>(body, Json) : null;
        return new Answer(response.StatusCode, body, echo);
    }

    private sealed record Answer(HttpStatusCode Status, string Body, EchoResponse? Echo);

    /// <summary>A CA made for the test, issuing client certificates.</summary>
    private sealed class Authority : IDisposable
    {
        private readonly X509Certificate2 _certificate;

        public Authority(string subject)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            Pem = _certificate.ExportCertificatePem();
        }

        public string Pem { get; }

        public X509Certificate2 Issue(string subject)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
            using var withKey = issued.CopyWithPrivateKey(key);

            // Exported and loaded again: SslStream on Linux needs a certificate whose key it can use as a client.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }

        public void Dispose() => _certificate.Dispose();
    }
}

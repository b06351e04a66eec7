using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Tls;

/// <summary>
/// SSL passthrough on real sockets: a TLS connection for a passthrough host meets the backend's own
/// certificate and reaches the backend untouched; other hosts' TLS still ends at the proxy.
/// </summary>
public sealed class SslPassthroughTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly TestCertificate _backendCertificate = TestCertificates.Issue(["pass.test"]);
    private readonly TestCertificate _proxyCertificate = TestCertificates.Issue(["term.test"]);
    private EchoBackend _backend = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync("passed", certificate: _backendCertificate.WithKey());
        _host = await StandaloneHost.StartAsync("--ssl-passthrough");
        _host.Write(
            "passthrough.yaml",
            [
                _proxyCertificate.Secret("term"),
                Objects.Ingress("pass").Rule("pass.test", "/", "Prefix", "passed", "https").Annotate("nginx.ingress.kubernetes.io/ssl-passthrough", "true").Build(),
                Objects.Ingress("term").Rule("term.test", "/", "Prefix", "passed", "https").Tls("term", "term.test").Build(),
                .. ObjectsForBackends.ServiceFor("passed", _backend, "https"),
            ]);
        await Eventually.HoldsAsync(async () => (await ExchangeAsync("pass.test")).Thumbprint == _backendCertificate.Thumbprint, Bound, "pass.test passed through");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task APassthroughHost_MeetsTheBackendsCertificate_AndTheBackendAnswers()
    {
        var passed = await ExchangeAsync("pass.test");

        Assert.Equal(_backendCertificate.Thumbprint, passed.Thumbprint);
        Assert.StartsWith("HTTP/1.1 200", passed.StatusLine, StringComparison.Ordinal);
        Assert.Contains("X-Echo-Backend: passed", passed.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherHosts_AreStillTerminatedByTheProxy()
    {
        var terminated = await ExchangeAsync("term.test");

        Assert.Equal(_proxyCertificate.Thumbprint, terminated.Thumbprint);
        Assert.StartsWith("HTTP/1.1 200", terminated.StatusLine, StringComparison.Ordinal);
    }

    /// <summary>A TLS connection with SNI <paramref name="serverName"/> to the HTTPS port, and one HTTP/1.1 request over it.</summary>
    private async Task<(string Thumbprint, string StatusLine, string Head)> ExchangeAsync(string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        using var certificate = new X509Certificate2(tls.RemoteCertificate!);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {serverName}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var head = new StringBuilder();
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            head.AppendLine(line);
        }

        var text = head.ToString();
        return (certificate.Thumbprint, text.Split('\n')[0], text);
    }
}

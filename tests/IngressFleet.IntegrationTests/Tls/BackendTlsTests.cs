using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IngressFleet.Host.Demo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Tls;

/// <summary>
/// Verified TLS to backends (ingress-nginx's <c>proxy-ssl-*</c>), against a real HTTPS backend whose certificate
/// the test CA issued for <c>secure.svc</c>: the right CA and name pass, a wrong CA or name is refused (502).
/// </summary>
public sealed class BackendTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoBackend _secure = null!;
    private Microsoft.AspNetCore.Builder.WebApplication _mutual = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        var certificate = TestCertificates.Issue(["secure.svc"]);
        _secure = await EchoBackend.StartAsync("secure", certificate: certificate.WithKey());
        _host = await StandaloneHost.StartAsync();
        _mutual = await StartMutualAsync(TestCertificates.Issue(["mutual.svc"]).WithKey());
        var client = TestCertificates.Issue(["ingressfleet.client"]);

        // The issued PEM holds the leaf, then the test CA.
        var testCa = certificate.CertificatePem[certificate.CertificatePem.IndexOf("-----BEGIN CERTIFICATE-----", 10, StringComparison.Ordinal)..];
        _host.Write(
            "backend-tls.yaml",
            [
                CaSecret("right-ca", testCa),
                CaSecret("wrong-ca", OtherCa()),
                Verified("right", "right-ca", "secure.svc"),
                Verified("wrong-ca", "wrong-ca", "secure.svc"),
                Verified("wrong-name", "right-ca", "other.svc"),
                Objects.Ingress("unverified").Rule("unverified.test", "/", "Prefix", "secure", "https").Build(),
                new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Metadata = new V1ObjectMeta { Name = "with-client", NamespaceProperty = "default" },
                    Data = new Dictionary<string, byte[]>
                    {
                        ["ca.crt"] = Encoding.UTF8.GetBytes(testCa),
                        ["tls.crt"] = Encoding.UTF8.GetBytes(client.CertificatePem),
                        ["tls.key"] = Encoding.UTF8.GetBytes(client.KeyPem),
                    },
                },
                Objects.Ingress("mutual").Rule("mutual.test", "/", "Prefix", "mutual", "https")
                    .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-secret", "with-client").Annotate("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on")
                    .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-name", "mutual.svc").Build(),
                Objects.Ingress("mutual-anonymous").Rule("mutual-anonymous.test", "/", "Prefix", "mutual", "https").Build(),
                .. MutualService(),
                Objects.Ingress("no-secret").Rule("no-secret.test", "/", "Prefix", "secure", "https")
                    .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-secret", "missing").Annotate("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on").Build(),
                .. ObjectsForBackends.ServiceFor("secure", _secure, "https"),
            ]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("unverified.test", "/") == "secure", Bound, "the HTTPS backend served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _secure.DisposeAsync();
        await _mutual.DisposeAsync();
    }

    [Fact]
    public async Task AClientCertificateFromTheSecret_IsPresentedToTheBackend()
    {
        using var presented = await GetAsync("mutual.test");
        using var anonymous = await GetAsync("mutual-anonymous.test");

        Assert.Equal(HttpStatusCode.OK, presented.StatusCode);
        Assert.Equal("CN=ingressfleet.client", await presented.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadGateway, anonymous.StatusCode);
    }

    [Fact]
    public async Task TheRightCaAndName_Pass_AWrongCaOrName_IsRefused()
    {
        Assert.Equal("secure", await _host.WhoAnswersAsync("right.test", "/"));
        Assert.Equal("502", await _host.WhoAnswersAsync("wrong-ca.test", "/"));
        Assert.Equal("502", await _host.WhoAnswersAsync("wrong-name.test", "/"));
    }

    [Fact]
    public async Task VerificationAskedFor_WithoutItsSecret_IsRefusedNotServedUnverified() =>
        Assert.Equal("503", await _host.WhoAnswersAsync("no-secret.test", "/"));

    /// <summary>An HTTPS backend that requires a client certificate and answers with its subject.</summary>
    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> StartMutualAsync(X509Certificate2 certificate)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(context.Connection.ClientCertificate?.Subject ?? "none"));
        await app.StartAsync();
        return app;
    }

    private object[] MutualService()
    {
        var port = new Uri(_mutual.Urls.First()).Port;
        return ObjectsForBackends.ServiceFor("mutual", port, "https");
    }

    private async Task<HttpResponseMessage> GetAsync(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        return await _host.Proxy.SendAsync(request);
    }

    private static V1Ingress Verified(string name, string secret, string sslName) =>
        Objects.Ingress(name).Rule($"{name}.test", "/", "Prefix", "secure", "https")
            .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-secret", $"default/{secret}")
            .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-verify", "on")
            .Annotate("nginx.ingress.kubernetes.io/proxy-ssl-name", sslName).Build();

    private static V1Secret CaSecret(string name, string pem) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes(pem) },
    };

    private static string OtherCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Other CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return ca.ExportCertificatePem();
    }
}

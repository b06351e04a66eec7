using System.Text;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>Secrets into certificates, <c>spec.tls</c> and TLS annotations into the model.</summary>
public sealed class TlsTranslationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void ValidSecret_BecomesACertificate_WithoutKeyMaterialInItsText()
    {
        var issued = TestCertificates.Issue(["shop.example.com", "www.shop.example.com"]);
        var result = CertificateTranslator.Translate(issued.Secret("shop-tls", "shop"), Now);

        var certificate = Assert.IsType<TlsCertificate>(result.Value);
        Assert.Equal("shop/shop-tls", certificate.Key);
        Assert.Equal(["shop.example.com", "www.shop.example.com"], certificate.DnsNames.ToArray());
        using var leaf = issued.WithKey();
        Assert.Equal(leaf.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), certificate.Fingerprint);
        Assert.True(certificate.NotAfter > Now.AddDays(80));
        Assert.DoesNotContain("PRIVATE KEY", certificate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StringData_WinsOverData_AsTheApiServerMergesThem()
    {
        var real = TestCertificates.Issue(["a.example.com"]);
        var secret = TestCertificates.Secret("s", "default", "garbage", "garbage");
        secret.StringData = new Dictionary<string, string> { ["tls.crt"] = real.CertificatePem, ["tls.key"] = real.KeyPem };
        Assert.NotNull(CertificateTranslator.Translate(secret, Now).Value);
    }

    [Theory]
    [InlineData("type", "is not \"kubernetes.io/tls\"")]
    [InlineData("missing-key", "data[tls.key]: required")]
    [InlineData("null-key", "data[tls.key]: required")]
    [InlineData("bad-pem", "data[tls.crt], data[tls.key]: not a usable certificate and private key")]
    [InlineData("mismatch", "not a usable certificate and private key")]
    [InlineData("expired", "the certificate expired at")]
    [InlineData("future", "the certificate is not valid before")]
    public void BadSecret_IsRejected_WithAReasonThatQuotesNoKey(string defect, string reason)
    {
        var good = TestCertificates.Issue(["a.example.com"]);
        var secret = defect switch
        {
            "type" => new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, Type = "Opaque", StringData = new Dictionary<string, string> { ["tls.crt"] = good.CertificatePem, ["tls.key"] = good.KeyPem } },
            "missing-key" => TestCertificates.Secret("s", "default", good.CertificatePem, string.Empty),
            "null-key" => new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, Type = "kubernetes.io/tls", Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(good.CertificatePem), ["tls.key"] = null! } },
            "bad-pem" => TestCertificates.Secret("s", "default", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", good.KeyPem),
            "mismatch" => TestCertificates.Secret("s", "default", good.CertificatePem, TestCertificates.Issue(["a.example.com"]).KeyPem),
            "expired" => TestCertificates.Issue(["a.example.com"], Now.AddDays(-10), Now.AddDays(-1)).Secret("s"),
            "future" => TestCertificates.Issue(["a.example.com"], Now.AddDays(1), Now.AddDays(10)).Secret("s"),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var result = CertificateTranslator.Translate(secret, Now);

        Assert.Null(result.Value);
        Assert.Contains(result.Errors, e => e.Contains(reason, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Errors, e => e.Contains(good.KeyPem.Split('\n')[1], StringComparison.Ordinal));
    }

    [Fact]
    public void Translate_LoadsOnlyReferencedSecrets_ReportsMissingOnes_AndKeepsTheLastGoodCertificate()
    {
        var first = TestCertificates.Issue(["a.example.com"]);
        var ingress = Objects.Ingress("web").Rule("a.example.com", "/", "Prefix", "web", 80)
            .Tls("a-cert", "a.example.com").Tls("missing-cert", "b.example.com").Build();
        var good = ConfigTranslator.Translate(
            ClusterObjects.From([ingress, Objects.Service("web"), first.Secret("a-cert"), TestCertificates.Issue(["x.example.com"]).Secret("unreferenced")]),
            IngressClassFilter.Default,
            RoutingConfig.Empty,
            []);

        Assert.Equal(["default/a-cert"], good.Certificates.Keys);
        Assert.Contains("not found", string.Join(" ", good.Problems["Secret/default/missing-cert"].Reasons), StringComparison.Ordinal);

        var broken = ClusterObjects.From([ingress, Objects.Service("web"), TestCertificates.Secret("a-cert", "default", first.CertificatePem, "nonsense")]);
        var config = ConfigTranslator.Translate(broken, IngressClassFilter.Default, good, []);

        Assert.Equal(good.Certificates["default/a-cert"], config.Certificates["default/a-cert"]);
        Assert.True(config.Problems.ContainsKey("Secret/default/a-cert"));
        Assert.Equal(good.Ingresses["default/web"], config.Ingresses["default/web"]);
    }

    [Fact]
    public void Translate_DefaultCertificateSecret_IsLoadedEvenIfNoIngressNamesIt()
    {
        var objects = ClusterObjects.From([TestCertificates.Issue(["fallback.example.com"]).Secret("fallback", "ingress")]);
        var config = ConfigTranslator.Translate(objects, IngressClassFilter.Default, RoutingConfig.Empty, [], defaultCertificate: "ingress/fallback");
        Assert.Equal(["ingress/fallback"], config.Certificates.Keys);
    }

    [Theory]
    [InlineData("ingressfleet.io/ssl-redirect", "yes", "must be \"true\" or \"false\"")]
    [InlineData("nginx.ingress.kubernetes.io/ssl-redirect", "maybe", "must be \"true\" or \"false\"")]
    [InlineData("ingressfleet.io/hsts", "forever", "Strict-Transport-Security")]
    [InlineData("ingressfleet.io/backend-protocol", "FTP", "supported values")]
    [InlineData("ingressfleet.io/backend-protocol", "1", "supported values")]
    [InlineData("ingressfleet.io/backend-protocol", "auto", "supported values")]
    public void InvalidAnnotation_RejectsTheIngress_NamingTheAnnotation(string key, string value, string reason)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Build());
        Assert.Null(result.Value);
        Assert.Contains(result.Errors, e => e.Contains($"metadata.annotations[{key}]", StringComparison.Ordinal) && e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Annotations_SetTheOptions_OursWinningOverNginxs()
    {
        var routes = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("ingressfleet.io/ssl-redirect", "false")
            .Annotate("nginx.ingress.kubernetes.io/ssl-redirect", "true")
            .Annotate("ingressfleet.io/hsts", "max-age=31536000; includeSubDomains")
            .Annotate("nginx.ingress.kubernetes.io/backend-protocol", "GRPCS")
            .Build()).Value!;
        Assert.Equal(new IngressOptions(false, "max-age=31536000; includeSubDomains", BackendProtocol.Grpcs), routes.Options);
    }

    [Fact]
    public void InvalidTlsEntry_RejectsTheIngress()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Tls("Bad_Name", "a.com").Tls("ok", "*.*.com").Build());
        Assert.Contains(result.Errors, e => e.StartsWith("spec.tls[0].secretName", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("spec.tls[1].hosts[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void RouteTable_RedirectsOnlyRulesWhoseHostTheIngressServesWithTls()
    {
        var tls = IngressTranslator.Translate(Objects.Ingress("tls")
            .Rule("secure.com", "/", "Prefix", "web", 80)
            .Rule("a.wild.com", "/", "Prefix", "web", 80)
            .Rule("open.com", "/", "Prefix", "web", 80)
            .Tls("cert", "secure.com", "*.wild.com").Build()).Value!;
        var off = IngressTranslator.Translate(Objects.Ingress("off").Rule("off.com", "/", "Prefix", "web", 80).Tls("cert", "off.com")
            .Annotate("ingressfleet.io/ssl-redirect", "false").Build()).Value!;
        var table = RouteTableBuilder.Build([tls, off]);

        Assert.True(table.Match("secure.com", "/x")!.RedirectToHttps);
        Assert.True(table.Match("a.wild.com", "/x")!.RedirectToHttps);
        Assert.False(table.Match("open.com", "/x")!.RedirectToHttps);
        Assert.False(table.Match("off.com", "/x")!.RedirectToHttps);
    }
}

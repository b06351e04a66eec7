using System.Text;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>ingress-nginx's basic-auth annotations: read, resolved against Secrets every pass, refused rather than served open.</summary>
public sealed class BasicAuthTranslationTests
{
    private const string Apr1 = "$apr1$xyzsalt1$cFbAhuEIoTyEwPA9j5NuW0";

    [Fact]
    public void BasicAuth_ReadsTheUsersOfItsSecret_AndFollowsItsChanges()
    {
        var ingress = Guarded().Build();
        var first = Translate(ingress, Users("users", $"ann:{Apr1}"));
        var auth = first.Ingresses["default/web"].Options.BasicAuth!;
        Assert.Equal(("default/users", "Staff only", $"ann:{Apr1}"), (auth.Secret, auth.Realm, auth.Credentials));
        Assert.Null(auth.Unavailable);

        // The same Ingress object, a changed Secret: the users follow.
        var second = Translate(ingress, Users("users", "bob:{PLAIN}pw"), first);
        Assert.Equal("bob:{PLAIN}pw", second.Ingresses["default/web"].Options.BasicAuth!.Credentials);
    }

    [Fact]
    public void AMissingSecret_LeavesTheIngressRefusingEveryone_AndSaysWhy()
    {
        var config = Translate(Guarded().Build());

        var auth = config.Ingresses["default/web"].Options.BasicAuth!;
        Assert.Null(auth.Credentials);
        Assert.Contains("does not exist", auth.Unavailable, StringComparison.Ordinal);
        Assert.Contains(config.Problems["Ingress/default/web"].Warnings, w => w.Contains("503", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/auth-type", "digest", "digest authentication is not implemented")]
    [InlineData("nginx.ingress.kubernetes.io/auth-secret", "other/users", "another namespace")]
    [InlineData("nginx.ingress.kubernetes.io/auth-secret", "Users!", "invalid value")]
    [InlineData("nginx.ingress.kubernetes.io/allowlist-source-range", "10.0.0.0/99", "invalid value")]
    public void AnInvalidAccessControlAnnotation_FailsClosed_WithoutTheLastValidVersion(string key, string value, string reason)
    {
        var good = Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Build());
        var config = Translate(Guarded().Annotate(key, value).Build(), Users("users", $"ann:{Apr1}"), good);

        Assert.False(config.Ingresses.ContainsKey("default/web"), "the last valid (open) version is still served");
        Assert.Contains(config.Problems["Ingress/default/web"].Reasons, r => r.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void AuthSecretWithoutAuthType_ProtectsNothing_AsInIngressNginx()
    {
        var config = Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate("nginx.ingress.kubernetes.io/auth-secret", "users").Build());

        Assert.Null(config.Ingresses["default/web"].Options.BasicAuth);
    }

    [Fact]
    public void ClientCertificates_ReadTheCaBundleOfTheirSecret_OrRefuseEveryone()
    {
        var ingress = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/auth-tls-secret", "client-ca").Annotate("nginx.ingress.kubernetes.io/auth-tls-verify-client", "optional").Build();
        var ca = TestCertificates.Issue(["ca.example"]).CertificatePem;
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "client-ca", NamespaceProperty = "default" }, Data = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes(ca) } };

        var read = Translate(ingress, secret).Ingresses["default/web"].Options.ClientCertificate!;
        var missing = Translate(ingress).Ingresses["default/web"].Options.ClientCertificate!;

        Assert.Equal(("default/client-ca", "optional", 1), (read.Secret, read.Verify, read.Depth));
        Assert.Contains("-----BEGIN CERTIFICATE-----", read.CaPem, StringComparison.Ordinal);
        Assert.Null(read.Unavailable);
        Assert.Null(missing.CaPem);
        Assert.Contains("does not exist", missing.Unavailable, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientCertificates_Off_AskForNothing() =>
        Assert.Null(Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/auth-tls-secret", "client-ca").Annotate("nginx.ingress.kubernetes.io/auth-tls-verify-client", "off").Build())
            .Ingresses["default/web"].Options.ClientCertificate);

    private static IngressBuilder Guarded() =>
        Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic")
            .Annotate("nginx.ingress.kubernetes.io/auth-secret", "users")
            .Annotate("nginx.ingress.kubernetes.io/auth-realm", "Staff only");

    private static RoutingConfig Translate(V1Ingress ingress, V1Secret? secret = null, RoutingConfig? lastGood = null) =>
        ConfigTranslator.Translate(
            ClusterObjects.From(secret is null ? [ingress, Objects.Service("web")] : [ingress, Objects.Service("web"), secret]),
            IngressClassFilter.Default,
            lastGood ?? RoutingConfig.Empty,
            []);

    private static V1Secret Users(string name, string htpasswd) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { ["auth"] = Encoding.UTF8.GetBytes(htpasswd) },
    };
}

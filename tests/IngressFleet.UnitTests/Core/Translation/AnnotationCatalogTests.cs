using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>Annotations IngressFleet does not implement: access control and snippets fail closed, the rest are listed as warnings.</summary>
public sealed class AnnotationCatalogTests
{
    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/auth-type", "digest")]
    [InlineData("nginx.ingress.kubernetes.io/auth-signin", "https://login.example/")]
    [InlineData("nginx.ingress.kubernetes.io/auth-proxy-set-headers", "default/headers")]
    [InlineData("nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=client")]
    [InlineData("nginx.ingress.kubernetes.io/auth-keepalive", "10")]
    [InlineData("nginx.ingress.kubernetes.io/configuration-snippet", "more_set_headers \"X: y\";")]
    [InlineData("nginx.ingress.kubernetes.io/server-snippet", "location /x {}")]
    [InlineData("ingressfleet.io/server-snippet", "anything")]
    [InlineData("nginx.ingress.kubernetes.io/enable-modsecurity", "true")]
    [InlineData("nginx.ingress.kubernetes.io/enable-owasp-core-rules", "true")]
    public void UnimplementedAccessControl_RejectsTheIngress_NamingTheAnnotation(string key, string value)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Build());
        Assert.Null(result.Value);
        Assert.Contains(result.Errors, e => e.StartsWith($"metadata.annotations[{key}]: ", StringComparison.Ordinal) && e.Contains("not served", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/proxy-buffer-size", "8k")]
    [InlineData("nginx.ingress.kubernetes.io/enable-modsecurity", "false")]
    [InlineData("nginx.ingress.kubernetes.io/proxy-buffering", "on")]
    [InlineData("ingressfleet.io/typo-of-something", "1")]
    public void OtherUnimplementedAnnotation_IsServed_WithAWarning(string key, string value)
    {
        var ingress = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Annotate("example.com/other-tool", "x").Build();
        var result = IngressTranslator.Translate(ingress);
        Assert.NotNull(result.Value);
        Assert.Equal($"metadata.annotations[{key}]: not implemented by IngressFleet; ignored", Assert.Single(result.Warnings));

        var config = ConfigTranslator.Translate(ClusterObjects.From([ingress, Objects.Service("web")]), IngressClassFilter.Default, RoutingConfig.Empty, []);
        var problem = config.Problems["Ingress/default/web"];
        Assert.False(problem.IsRejected);
        Assert.Single(problem.Warnings);
        Assert.True(config.Ingresses.ContainsKey("default/web"));
    }

    [Fact]
    public void RejectedForAccessControl_IsNotServedAtAll_NotEvenItsLastValidVersion()
    {
        var open = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Build();
        var first = ConfigTranslator.Translate(ClusterObjects.From([open, Objects.Service("web")]), IngressClassFilter.Default, RoutingConfig.Empty, []);
        var protectedVersion = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Rule("b.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=client").Build();
        var second = ConfigTranslator.Translate(ClusterObjects.From([protectedVersion, Objects.Service("web")]), IngressClassFilter.Default, first, []);
        Assert.True(first.Ingresses.ContainsKey("default/web"));
        Assert.False(second.Ingresses.ContainsKey("default/web"));
        Assert.True(second.Problems["Ingress/default/web"].IsRejected);
    }
}

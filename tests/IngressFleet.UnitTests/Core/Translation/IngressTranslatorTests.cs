using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

public sealed class IngressTranslatorTests
{
    [Fact]
    public void Translate_ValidIngress_GivesOneRulePerPath()
    {
        var result = IngressTranslator.Translate(
            Objects.Ingress("web", "shop")
                .Rule("shop.example.com", "/", "Prefix", "web", 80)
                .Rule("shop.example.com", "/api", "Exact", "api", "http")
                .Rule(null, "/any", "ImplementationSpecific", "any", 8080)
                .Default("fallback", 80));

        var routes = Assert.IsType<IngressRoutes>(result.Value);
        Assert.Empty(result.Errors);
        Assert.Equal("shop/web", routes.Key);
        Assert.Equal(
            [
                new RouteRule("shop.example.com", "/", PathMatch.Prefix, new BackendRef("shop", "web", 80, null)),
                new RouteRule("shop.example.com", "/api", PathMatch.Exact, new BackendRef("shop", "api", 0, "http")),
                new RouteRule(null, "/any", PathMatch.Prefix, new BackendRef("shop", "any", 8080, null)),
            ],
            routes.Rules.AsEnumerable());
        Assert.Equal(new BackendRef("shop", "fallback", 80, null), routes.DefaultBackend);
    }

    [Theory]
    [InlineData("Regex", "/x", "pathType: unsupported value \"Regex\"")]
    [InlineData(null, "/x", "pathType: required")]
    [InlineData("Prefix", "x", "must be an absolute path starting with '/'")]
    [InlineData("Exact", "", "must be an absolute path starting with '/'")]
    [InlineData("Prefix", "/a//b", "must not contain '//'")]
    [InlineData("Prefix", "/a/../b", "must not contain '/../'")]
    [InlineData("Exact", "/a%2Fb", "must not contain '%2F'")]
    [InlineData("Prefix", "/a/.", "must not end with '/.'")]
    public void Translate_InvalidPath_IsRejectedWithTheField(string? pathType, string path, string expected)
    {
        var result = IngressTranslator.Translate(
            Objects.Ingress("bad").Path("a.com", new V1HTTPIngressPath { Path = path, PathType = pathType, Backend = IngressBuilder.Backend("s", 80) }));

        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("spec.rules[0].http.paths[0].", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("foo.*.com", "wildcard")]
    [InlineData("*foo.com", "wildcard")]
    [InlineData("*", "wildcard")]
    [InlineData("Foo.com", "lowercase RFC 1123")]
    [InlineData("foo_bar.com", "lowercase RFC 1123")]
    [InlineData("-foo.com", "lowercase RFC 1123")]
    [InlineData("10.0.0.1", "not an IP address")]
    public void Translate_InvalidHost_IsRejected(string host, string expected)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("bad").Rule(host, "/", "Prefix", "s", 80));

        Assert.Null(result.Value);
        Assert.Contains(expected, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.foo.com")]
    [InlineData("a.b-c.d.example.com")]
    [InlineData("localhost")]
    public void Translate_ValidHost_IsAccepted(string host)
    {
        Assert.NotNull(IngressTranslator.Translate(Objects.Ingress("ok").Rule(host, "/", "Prefix", "s", 80)).Value);
    }

    [Fact]
    public void Translate_BackendWithNeitherServiceNorResource_IsRejected()
    {
        var result = IngressTranslator.Translate(
            Objects.Ingress("bad").Path("a.com", new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend() }));

        Assert.Contains("one of service or resource must be specified", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ResourceBackend_IsRejectedAsUnsupported()
    {
        var backend = new V1IngressBackend { Resource = new V1TypedLocalObjectReference { Kind = "StorageBucket", Name = "static" } };
        var result = IngressTranslator.Translate(
            Objects.Ingress("bad").Path("a.com", new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = backend }));

        Assert.Contains("not supported", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null, "one of name or number must be specified")]
    [InlineData(70000, null, "must be between 1 and 65535")]
    [InlineData(80, "http", "mutually exclusive")]
    [InlineData(0, "this-name-is-far-too-long", "IANA service name")]
    public void Translate_InvalidServicePort_IsRejected(int number, string? name, string expected)
    {
        var backend = new V1IngressBackend
        {
            Service = new V1IngressServiceBackend { Name = "s", Port = new V1ServiceBackendPort { Number = number == 0 ? null : number, Name = name } },
        };
        var result = IngressTranslator.Translate(
            Objects.Ingress("bad").Path("a.com", new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = backend }));

        Assert.Contains(expected, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_CollectsEveryError_NotOnlyTheFirst()
    {
        var result = IngressTranslator.Translate(
            Objects.Ingress("bad")
                .Rule("a.*.com", "/", "Prefix", "s", 80)
                .Rule("b.com", "nope", "Exact", "s", 80)
                .Rule("c.com", "/", "Wrong", "s", 80));

        Assert.Equal(3, result.Errors.Length);
    }

    [Fact]
    public void Translate_IngressWithNeitherRulesNorDefaultBackend_IsRejected()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("empty"));

        Assert.Contains("either defaultBackend or rules", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--default-backend")]
    [InlineData("Web")]
    [InlineData("web_1")]
    public void Translate_ANameTheApiServerWouldRefuse_IsRejected(string name)
    {
        var result = IngressTranslator.Translate(Objects.Ingress(name).Default("s", 80));

        Assert.Null(result.Value);
        Assert.StartsWith("metadata.name: invalid value", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ObjectWithoutNamespace_IsInDefault()
    {
        V1Ingress ingress = Objects.Ingress("web").Default("s", 80);
        ingress.Metadata.NamespaceProperty = null;

        Assert.Equal("default/web", IngressTranslator.Translate(ingress).Value?.Key);
    }
}

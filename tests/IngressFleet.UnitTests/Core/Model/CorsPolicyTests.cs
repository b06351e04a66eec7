using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Model;

/// <summary>Which origins ingress-nginx's <c>cors-allow-origin</c> lets through, and its defaults.</summary>
public sealed class CorsPolicyTests
{
    [Theory]
    [InlineData("https://app.example.com", "https://app.example.com", true)]
    [InlineData("https://app.example.com", "HTTPS://APP.EXAMPLE.COM", true)]
    [InlineData("https://app.example.com", "https://app.example.com.evil.test", false)]
    [InlineData("https://app.example.com", "http://app.example.com", false)]
    [InlineData("https://*.example.com", "https://shop.example.com", true)]
    [InlineData("https://*.example.com", "https://a.b.example.com", false)]
    [InlineData("https://*.example.com", "https://example.com", false)]
    [InlineData("https://a.test, https://b.test:8443", "https://b.test:8443", true)]
    [InlineData("https://a.test, https://b.test:8443", "https://b.test", false)]
    public void Origin_IsAllowedAsIngressNginxMatchesIt(string allowed, string origin, bool expected)
    {
        var policy = Policy(allowed);
        Assert.Equal(expected ? origin : null, policy.AllowedOrigin(origin));
    }

    [Fact]
    public void AnyOrigin_AnswersAStar_EvenWithoutAnOrigin() => Assert.Equal("*", Policy("*").AllowedOrigin(null));

    [Fact]
    public void EnableCors_TakesIngressNginxDefaults()
    {
        var options = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/enable-cors", "true").Build()).Value!.Options;

        Assert.Equal(new CorsPolicy("*", CorsPolicy.DefaultMethods, CorsPolicy.DefaultHeaders, string.Empty, true, 1728000), options.Cors);
    }

    [Fact]
    public void CorsAnnotations_WithoutEnableCors_DoNothing() =>
        Assert.Null(IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/cors-allow-origin", "https://a.test").Build()).Value!.Options.Cors);

    private static CorsPolicy Policy(string origins) => new(origins, CorsPolicy.DefaultMethods, CorsPolicy.DefaultHeaders, string.Empty, true, 60);
}

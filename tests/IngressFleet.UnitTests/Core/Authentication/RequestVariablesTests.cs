using IngressFleet.Core.Authentication;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Authentication;

/// <summary>nginx variables in auth annotations, and how the external-auth annotations are read.</summary>
public sealed class RequestVariablesTests
{
    [Theory]
    [InlineData("https://$host/oauth2/auth", true)]
    [InlineData("http://auth.ns.svc.cluster.local:4180/oauth2/auth?rd=$escaped_request_uri&u=${http_x_user}", true)]
    [InlineData("https://$host/oauth2/auth?$cookie_session", true)]
    [InlineData("https://$host/$secret_variable", false)]
    [InlineData("ftp://auth.example/", false)]
    [InlineData("/relative/auth", false)]
    [InlineData("https://auth.example/ with space", false)]
    public void UrlTemplates_AreAcceptedWithKnownVariablesOnly(string template, bool valid) =>
        Assert.Equal(valid, RequestVariables.IsUrlTemplate(template));

    [Fact]
    public void Expand_FillsEachVariable_UnknownOnesEmpty() =>
        Assert.Equal("https://shop.test/a?x=1-", RequestVariables.Expand("https://$host/a?x=${arg_x}-$nothing", n => n switch { "host" => "shop.test", "arg_x" => "1", _ => null }));

    [Fact]
    public void ExternalAuth_IsRead_WithIngressNginxDefaults()
    {
        var auth = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/auth-url", "https://$host/oauth2/auth")
            .Annotate("nginx.ingress.kubernetes.io/auth-cache-key", "$http_authorization").Build()).Value!.Options.ExternalAuth!;

        Assert.Equal(("https://$host/oauth2/auth", "GET", "rd", "$http_authorization"), (auth.Url, auth.Method, auth.SignInRedirectParam, auth.CacheKey));
        Assert.Equal(AuthCacheDuration.Default, auth.CacheDuration);
        Assert.True(auth.CacheDuration.Covers(401));
        Assert.False(auth.CacheDuration.Covers(403));
    }

    [Theory]
    [InlineData("nginx.ingress.kubernetes.io/auth-signin", "https://login.example/")]
    [InlineData("nginx.ingress.kubernetes.io/auth-response-headers", "X-User")]
    public void AuthSettings_WithoutAuthUrl_RejectTheIngress(string key, string value)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Annotate(key, value).Build());

        Assert.Null(result.Value);
        Assert.True(result.FailClosed);
    }
}

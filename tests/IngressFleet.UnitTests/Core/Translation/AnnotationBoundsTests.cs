using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Annotations;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>Every annotation IngressFleet reads, and some it does not, fed hostile values: each is rejected with a reason naming it, or accepted within its bounds.</summary>
public sealed class AnnotationBoundsTests
{
    public static TheoryData<string> Keys() => [.. HostileValues.Keys];

    [Theory]
    [MemberData(nameof(Keys))]
    public void HostileValue_IsRejectedNamingTheAnnotation_OrAcceptedWithinBounds(string key)
    {
        foreach (var value in HostileValues.Values)
        {
            // With a health-check path, so the other health annotations take effect.
            var ingress = Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
                .Annotate("ingressfleet.io/health-check-path", "/healthz").Annotate(key, value).Build();
            var result = IngressTranslator.Translate(ingress);
            var texts = result.Errors.Concat(result.Warnings).ToList();
            Assert.All(texts, t => Assert.True(t.Length < 600 && AnnotationValues.IsPrintableAscii(t), $"{key}={Shown(value)}: reason too long or not printable: {t[..Math.Min(t.Length, 200)]}"));
            if (result.Value is null)
            {
                Assert.Contains(result.Errors, e => e.Contains(key, StringComparison.Ordinal));
                continue;
            }

            AssertWithinBounds(result.Value.Options, $"{key}={Shown(value)}");
        }
    }

    [Theory]
    [InlineData("ingressfleet.io/health-check-interval", "2147483648")]
    [InlineData("ingressfleet.io/health-check-interval", "99999999999999999999999")]
    [InlineData("ingressfleet.io/health-check-interval", "0.0000001ms")]
    [InlineData("ingressfleet.io/health-check-timeout", "2147483648")]
    [InlineData("ingressfleet.io/max-queue-timeout", "4300000000s")]
    [InlineData("ingressfleet.io/limit-rps", "NaN")]
    [InlineData("ingressfleet.io/limit-rps", "1e309")]
    [InlineData("ingressfleet.io/hsts", "max-age=1\r\nX-Injected: 1")]
    [InlineData("ingressfleet.io/hsts", "max-age=\u0661\u0662")]
    [InlineData("ingressfleet.io/hsts", "max-age=31536000; includeſubDomains")]
    [InlineData("ingressfleet.io/backend-protocol", "http,https")]
    [InlineData("ingressfleet.io/affinity-cookie-name", "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc")]
    [InlineData("nginx.ingress.kubernetes.io/allowlist-source-range", "10.0.0.0/8, example.com")]
    [InlineData("nginx.ingress.kubernetes.io/denylist-source-range", "10.0.0.0/40")]
    [InlineData("nginx.ingress.kubernetes.io/whitelist-source-range", ",")]
    public void ValueOutOfBounds_RejectsTheIngress_NamingTheBound(string key, string value)
    {
        var result = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("ingressfleet.io/health-check-path", "/healthz").Annotate("ingressfleet.io/max-connections", "5").Annotate(key, value).Build());
        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"metadata.annotations[{key}]: invalid value", error, StringComparison.Ordinal);
        Assert.Contains("must be", error.Replace("supported values", "must be", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_AreReadWithUnits_AndBoundsInclusive()
    {
        var options = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("ingressfleet.io/health-check-path", "/healthz").Annotate("ingressfleet.io/health-check-interval", "1h")
            .Annotate("ingressfleet.io/health-check-timeout", "1.5")
            .Annotate("ingressfleet.io/max-connections", "1").Annotate("ingressfleet.io/max-queue-timeout", "0").Build()).Value!.Options;
        Assert.Equal(TimeSpan.FromHours(1), options.Health.Active!.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Health.Active.Timeout);
        Assert.Equal(TimeSpan.Zero, options.ConnectionLimit!.QueueTimeout);
    }

    [Fact]
    public void SourceRanges_AreRead_TheNewerAllowListWinning()
    {
        var options = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/whitelist-source-range", "192.0.2.0/24")
            .Annotate("nginx.ingress.kubernetes.io/allowlist-source-range", "10.1.2.3/8, 2001:db8::1")
            .Annotate("ingressfleet.io/denylist-source-range", "10.6.0.0/16").Build()).Value!.Options;
        Assert.Equal(new SourceRanges("10.0.0.0/8,2001:db8::1/128", "10.6.0.0/16"), options.SourceRanges);

        var legacy = IngressTranslator.Translate(Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80)
            .Annotate("nginx.ingress.kubernetes.io/whitelist-source-range", "192.0.2.0/24").Build()).Value!.Options;
        Assert.Equal(new SourceRanges("192.0.2.0/24", string.Empty), legacy.SourceRanges);
    }

    private static void AssertWithinBounds(IngressOptions options, string what)
    {
        if (options.Hsts is { } hsts)
        {
            Assert.True(AnnotationValues.IsPrintableAscii(hsts), what);
        }

        if (options.Health.Active is { } check)
        {
            Assert.InRange(check.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
            Assert.InRange(check.Timeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
            Assert.InRange(check.HealthyThreshold, 1, 100);
            Assert.InRange(check.UnhealthyThreshold, 1, 100);
            Assert.True(check.Path.Length <= AnnotationValues.MaxPathLength && AnnotationValues.IsPrintableAscii(check.Path), what);
        }

        if (options.ConnectionLimit is { } limit)
        {
            Assert.InRange(limit.MaxConnections, 1, 1_000_000);
            Assert.InRange(limit.MaxQueue, 0, 100_000);
            Assert.InRange(limit.QueueTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        }

        if (options.RateLimit is { } rate)
        {
            Assert.True(double.IsFinite(rate.RequestsPerSecond) && rate.RequestsPerSecond > 0, what);
            Assert.InRange(rate.Burst, 1, 1_000_000);
        }

        if (options.Traffic.AffinityCookie is { } cookie)
        {
            Assert.InRange(cookie.Length, 1, AnnotationValues.MaxCookieNameLength);
        }

        if (options.Traffic.HashBy?.Name is { } name)
        {
            Assert.InRange(name.Length, 1, AnnotationValues.MaxHeaderNameLength);
        }

        Assert.True(Enum.IsDefined(options.BackendProtocol), what);
    }

    private static string Shown(string value) => AnnotationReader.Quote(value);
}

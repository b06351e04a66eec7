using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Routing;

/// <summary>ingress-nginx's canary Ingresses: attached to the main route of their host and path, chosen by header, then cookie, then weight.</summary>
public sealed class CanaryTests
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";

    [Fact]
    public void ACanary_JoinsTheMainRouteOfItsPath_WithoutAConflict_EvenWhenOlder()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("canary").Created(RouteTables.Older).Annotate(Nginx + "canary", "true").Annotate(Nginx + "canary-weight", "10")
                .Rule("shop.com", "/", "Prefix", "shop-v2", 80),
            Objects.Ingress("main").Created(RouteTables.Newer).Rule("shop.com", "/", "Prefix", "shop", 80),
        ]);

        var route = table.Match("shop.com", "/cart");

        Assert.Equal("shop", route?.Backend.Service);
        Assert.Equal("shop-v2", route?.Canary?.Entry.Backend.Service);
        Assert.Equal("default/canary", route?.Canary?.Entry.Ingress);
        Assert.Empty(table.Conflicts);
    }

    [Fact]
    public void ACanaryWithoutAMainRoute_ServesNothing_AndIsReported()
    {
        var table = RouteTables.Build([Objects.Ingress("lonely").Annotate(Nginx + "canary", "true").Rule("new.com", "/", "Prefix", "v2", 80)]);

        Assert.Null(table.Match("new.com", "/"));
        var conflict = Assert.Single(table.Conflicts);
        Assert.Contains("serves nothing", conflict.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string?, string?, string?, string?, string?, int, bool> Choices => new()
    {
        // header, value, pattern, sent header, sent cookie, weight, canary?
        { "X-Canary", null, null, "always", null, 0, true },
        { "X-Canary", null, null, "never", "always", 100, false },
        { "X-Canary", null, null, "other", "always", 0, true },
        { "X-Canary", "v2", null, "v2", null, 0, true },
        { "X-Canary", "v2", null, "always", null, 0, false },
        { "X-Canary", null, "^beta-[0-9]+$", "beta-7", null, 0, true },
        { "X-Canary", null, "^beta-[0-9]+$", "Beta-7", null, 0, false },
        { null, null, null, null, "never", 100, false },
        { null, null, null, null, null, 100, true },
        { null, null, null, null, null, 0, false },
    };

    [Theory]
    [MemberData(nameof(Choices))]
    public void Chooses_HeaderThenCookieThenWeight(string? header, string? value, string? pattern, string? sentHeader, string? sentCookie, int weight, bool expected)
    {
        var canary = new CanaryRoute(new CanaryPolicy(header, value, pattern, "canary", weight, 100), Entry());

        Assert.Equal(expected, canary.Chooses(sentHeader, sentCookie, clientHash: 12345));
    }

    [Fact]
    public void Weight_SplitsClientsInProportion_AndEachClientAlwaysAlike()
    {
        var canary = new CanaryRoute(new CanaryPolicy(null, null, null, null, 20, 100), Entry());
        var clients = Enumerable.Range(0, 10_000).Select(i => FleetHash.Of($"10.0.{i / 256}.{i % 256}")).ToList();

        var share = clients.Count(h => canary.Chooses(null, null, h)) / (double)clients.Count;

        Assert.InRange(share, 0.18, 0.22);
        Assert.All(clients.Take(100), h => Assert.Equal(canary.Chooses(null, null, h), canary.Chooses(null, null, h)));
    }

    [Fact]
    public void AWeightAboveTheTotal_RejectsTheIngress()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("c").Annotate(Nginx + "canary", "true").Annotate(Nginx + "canary-weight", "150").Rule("c.com", "/", "Prefix", "c", 80));

        Assert.Contains(result.Errors, e => e.Contains("canary-weight-total (100)", StringComparison.Ordinal));
    }

    private static RouteEntry Entry() => new("c.com", "/", PathMatch.Prefix, new BackendRef("default", "v2", 80, null), "default/canary");
}

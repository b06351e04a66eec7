using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

public sealed class IngressClassFilterTests
{
    private static readonly V1IngressClass Ours = Objects.IngressClass("fleet-internal", IngressClassFilter.ControllerName);
    private static readonly V1IngressClass Nginx = Objects.IngressClass("nginx", "k8s.io/ingress-nginx");

    [Theory]
    [InlineData("ingressfleet", true)]
    [InlineData("fleet-internal", true)]
    [InlineData("nginx", false)]
    [InlineData("unknown", false)]
    public void Serves_NamedClass_WhenItIsOursByNameOrController(string className, bool served)
    {
        var filter = new IngressClassFilter("ingressfleet", ServeIngressesWithoutClass: false);

        Assert.Equal(served, filter.Serves(Objects.Ingress("i").Class(className).Default("s", 80), [Ours, Nginx]));
    }

    [Fact]
    public void Serves_LegacyAnnotation_LikeTheClassName()
    {
        V1Ingress ingress = Objects.Ingress("i").Default("s", 80);
        ingress.Metadata.Annotations = new Dictionary<string, string> { [IngressClassFilter.LegacyClassAnnotation] = "nginx" };

        Assert.False(IngressClassFilter.Default.Serves(ingress, [Nginx]));
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, true)]
    public void Serves_IngressWithoutClass_WhenFlagSetOrOurClassIsDefault(bool flag, bool ourClassIsDefault, bool served)
    {
        var filter = new IngressClassFilter("ingressfleet", flag);
        var classes = new[] { Objects.IngressClass("ours", IngressClassFilter.ControllerName, ourClassIsDefault), Nginx };

        Assert.Equal(served, filter.Serves(Objects.Ingress("i").Default("s", 80), classes));
    }

    [Fact]
    public void Serves_IngressWithoutClass_NotWhenAnotherControllersClassIsDefault()
    {
        var filter = new IngressClassFilter("ingressfleet", ServeIngressesWithoutClass: false);

        Assert.False(filter.Serves(Objects.Ingress("i").Default("s", 80), [Objects.IngressClass("nginx", "k8s.io/ingress-nginx", isDefault: true)]));
    }
}

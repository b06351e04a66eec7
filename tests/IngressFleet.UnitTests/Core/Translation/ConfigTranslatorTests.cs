using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

public sealed class ConfigTranslatorTests
{
    [Fact]
    public void Translate_ResolvesOnlyReferencedBackends_AndSkipsOtherClasses()
    {
        var objects = ClusterObjects.From(
        [
            Objects.Ingress("mine").Rule("a.com", "/", "Prefix", "web", 80).Build(),
            Objects.Ingress("theirs").Class("nginx").Rule("b.com", "/", "Prefix", "other", 80).Build(),
            Objects.Service("web"),
            Objects.Service("other"),
            Objects.Service("unused"),
        ]);

        var config = ConfigTranslator.Translate(objects, IngressClassFilter.Default, RoutingConfig.Empty, []);

        Assert.Equal(["default/mine"], config.Ingresses.Keys);
        Assert.Equal(["default/web:80"], config.Backends.Keys);
        Assert.Empty(config.Problems);
    }

    [Fact]
    public void Translate_InvalidUpdate_KeepsTheLastGoodRoutes_AndReportsTheProblem()
    {
        var good = ConfigTranslator.Translate(
            ClusterObjects.From([Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Build(), Objects.Service("web")]),
            IngressClassFilter.Default,
            RoutingConfig.Empty,
            []);
        var broken = ClusterObjects.From([Objects.Ingress("web").Rule("a.com", "no-slash", "Prefix", "web", 80).Build(), Objects.Service("web")]);

        var config = ConfigTranslator.Translate(broken, IngressClassFilter.Default, good, []);

        Assert.Equal(good.Ingresses["default/web"], config.Ingresses["default/web"]);
        var problem = Assert.Single(config.Problems.Values);
        Assert.Equal(("Ingress", "default", "web"), (problem.Kind, problem.Namespace, problem.Name));
        Assert.Contains("must be an absolute path", Assert.Single(problem.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_InvalidNewIngress_IsRejectedAlone()
    {
        var objects = ClusterObjects.From(
        [
            Objects.Ingress("good").Rule("a.com", "/", "Prefix", "web", 80).Build(),
            Objects.Ingress("bad").Rule("b.*.com", "/", "Prefix", "web", 80).Build(),
        ]);

        var config = ConfigTranslator.Translate(objects, IngressClassFilter.Default, RoutingConfig.Empty, []);

        Assert.Equal(["default/good"], config.Ingresses.Keys);
        Assert.Equal(["Ingress/default/bad"], config.Problems.Keys);
    }

    [Fact]
    public void Translate_SameObjects_GiveAnEqualConfig()
    {
        ClusterObjects Objs() => ClusterObjects.From([Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Build(), Objects.Service("web")]);

        var first = ConfigTranslator.Translate(Objs(), IngressClassFilter.Default, RoutingConfig.Empty, []);
        var second = ConfigTranslator.Translate(Objs(), IngressClassFilter.Default, RoutingConfig.Empty, []);

        Assert.True(first.DiffTo(second).IsEmpty);
    }

    [Fact]
    public void Translate_WithCache_ReusesResultsForTheSameInstances_AndTranslatesNewOnes()
    {
        var cache = new IngressTranslationCache();
        V1Ingress unchanged = Objects.Ingress("same").Rule("a.com", "/", "Prefix", "web", 80);
        V1Ingress before = Objects.Ingress("edited").Rule("b.com", "/old", "Prefix", "web", 80);
        V1Ingress after = Objects.Ingress("edited").Rule("b.com", "/new", "Prefix", "web", 80);

        var first = ConfigTranslator.Translate(ClusterObjects.From([unchanged, before]), IngressClassFilter.Default, RoutingConfig.Empty, [], cache);
        var second = ConfigTranslator.Translate(ClusterObjects.From([unchanged, after]), IngressClassFilter.Default, first, [], cache);

        Assert.Same(first.Ingresses["default/same"], second.Ingresses["default/same"]);
        Assert.Equal("/new", second.Ingresses["default/edited"].Rules.Single().Path);
    }
}

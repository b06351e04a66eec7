using System.Collections.Immutable;
using IngressFleet.Core.Manifests;
using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Migration;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Migration;

/// <summary>
/// The migration check on Ingresses written as ingress-nginx's documentation writes them (<c>ingress-nginx/</c>),
/// against the golden report <c>expected.md</c> (rewrite with <c>INGRESSFLEET_REGENERATE_GOLDEN=1</c>, then
/// review the diff), and the verdicts that matter most checked one by one.
/// </summary>
public sealed class MigrationReportTests
{
    private static readonly string Folder = Path.Combine(Repository.Root, "tests", "IngressFleet.UnitTests", "Core", "Migration");

    [Fact]
    public void Report_MatchesTheGoldenReport()
    {
        var actual = MigrationReport.ToMarkdown(Build());
        var expectedPath = Path.Combine(Folder, "expected.md");
        if (Environment.GetEnvironmentVariable("INGRESSFLEET_REGENERATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Fact]
    public void Verdicts_SayWhatCarriesOver()
    {
        var report = Build().ToDictionary(r => r.Name);

        Assert.False(report["plain"].Differs);
        Assert.All(report["basic-auth"].Annotations, a => Assert.Equal(AnnotationStatus.CarriedOver, a.Status));
        Assert.True(report["basic-auth"].Served);
        Assert.Equal(AnnotationStatus.CarriedOver, Status(report["rewrite"], "rewrite-target"));
        Assert.All(report["legacy-api"].Annotations, a => Assert.Equal(AnnotationStatus.CarriedOver, a.Status));
        Assert.Equal(AnnotationStatus.CarriedOverWithDifference, Status(report["aliases"], "from-to-www-redirect"));
        Assert.Equal(AnnotationStatus.CarriedOverWithDifference, Status(report["rate-limit"], "limit-rps"));
        Assert.Equal(AnnotationStatus.Refused, Status(report["snippet"], "configuration-snippet"));
        Assert.False(report["snippet"].Served);
        Assert.Equal(AnnotationStatus.Invalid, Status(report["typo"], "ssl-redirect"));
        Assert.False(report["typo"].Served);
        Assert.All(report["client-cert"].Annotations, a => Assert.Equal(AnnotationStatus.CarriedOver, a.Status));
    }

    [Fact]
    public void OurOwnAnnotations_CarryNoDifference_EvenWhereNginxsNameOfTheSameNameDiffers()
    {
        var objects = ClusterObjects.From(
        [
            Objects.Ingress("ours").Class("nginx").Rule("a.com", "/", "Prefix", "web", 80)
                .Annotate("ingressfleet.io/limit-rps", "10").Annotate("nginx.ingress.kubernetes.io/limit-rps", "5").Build(),
        ]);
        var verdicts = Assert.Single(MigrationReport.Build(objects, new IngressClassFilter("nginx", ServeIngressesWithoutClass: true))).Annotations;

        Assert.Equal(AnnotationStatus.CarriedOver, verdicts.Single(a => a.Key == "ingressfleet.io/limit-rps").Status);
        Assert.Equal(AnnotationStatus.CarriedOverWithDifference, verdicts.Single(a => a.Key == "nginx.ingress.kubernetes.io/limit-rps").Status);
    }

    private static AnnotationStatus Status(IngressMigration ingress, string name) =>
        ingress.Annotations.Single(a => a.Key == $"nginx.ingress.kubernetes.io/{name}").Status;

    private static ImmutableArray<IngressMigration> Build()
    {
        var objects = Directory.GetFiles(Path.Combine(Folder, "ingress-nginx"), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => ManifestParser.Parse(File.ReadAllText(f), Path.GetFileName(f)).Objects);
        return MigrationReport.Build(ClusterObjects.From(objects), new IngressClassFilter("nginx", ServeIngressesWithoutClass: true));
    }
}

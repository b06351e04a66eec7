using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>docs/annotations.md lists every implemented annotation with the bound it is read with.</summary>
public sealed class AnnotationDocumentationTests
{
    [Fact]
    public void EveryAnnotation_IsDocumented_WithItsBound()
    {
        var rows = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "annotations.md"))
            .Where(l => l.StartsWith("| `ingressfleet.io/", StringComparison.Ordinal))
            .Select(l => l.Replace("\\|", "|", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(IngressAnnotations.All.Length, rows.Count);
        foreach (var annotation in IngressAnnotations.All)
        {
            var row = Assert.Single(rows, r => r.StartsWith($"| `{annotation.Key}` |", StringComparison.Ordinal));
            Assert.Contains(annotation.Expected, row, StringComparison.Ordinal);
            if (annotation.NginxKey is { } nginx)
            {
                Assert.Contains($"`{nginx["nginx.ingress.kubernetes.io/".Length..]}`", row, StringComparison.Ordinal);
            }
        }
    }
}

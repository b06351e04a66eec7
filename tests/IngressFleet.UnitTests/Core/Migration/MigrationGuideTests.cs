using System.Text;
using IngressFleet.Core.Translation.Migration;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Migration;

/// <summary>
/// docs/migration.md's table of every ingress-nginx annotation says what the code does with each: it is the table
/// <see cref="IngressNginxAnnotations"/> computes from the translation's own catalogue (rewrite it with
/// <c>INGRESSFLEET_REGENERATE_GOLDEN=1</c>, then review the diff).
/// </summary>
public sealed class MigrationGuideTests
{
    private const string Start = "<!-- annotation-table -->";
    private const string End = "<!-- /annotation-table -->";

    [Fact]
    public void TheGuidesTable_IsWhatTheTranslationDoes_ForEveryIngressNginxAnnotation()
    {
        var path = Path.Combine(Repository.Root, "docs", "migration.md");
        var text = File.ReadAllText(path);
        var from = text.IndexOf(Start, StringComparison.Ordinal) + Start.Length;
        var to = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from > Start.Length - 1 && to > from, $"docs/migration.md has no {Start} ... {End} section");

        var table = new StringBuilder("\n| annotation | status | note |\n|---|---|---|\n");
        foreach (var name in IngressNginxAnnotations.Names)
        {
            var (status, note) = IngressNginxAnnotations.Fate(name);
            table.Append($"| `{name}` | {MigrationReport.Describe(status)} | {MigrationReport.Cell(note ?? string.Empty)} |\n");
        }

        if (Environment.GetEnvironmentVariable("INGRESSFLEET_REGENERATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, string.Concat(text.AsSpan(0, from), table.ToString(), text.AsSpan(to)));
            text = File.ReadAllText(path);
            to = text.IndexOf(End, StringComparison.Ordinal);
        }

        Assert.Equal(table.ToString(), text[from..to]);
    }

    [Fact]
    public void TheList_HasNoDuplicates_AndCoversEveryIngressNginxAnnotationWeRead()
    {
        Assert.Equal(IngressNginxAnnotations.Names.Length, IngressNginxAnnotations.Names.Distinct(StringComparer.Ordinal).Count());
        foreach (var nginx in IngressFleet.Core.Translation.IngressAnnotations.All.Select(a => a.NginxKey).OfType<string>())
        {
            Assert.Contains(nginx["nginx.ingress.kubernetes.io/".Length..], IngressNginxAnnotations.Names);
        }
    }
}

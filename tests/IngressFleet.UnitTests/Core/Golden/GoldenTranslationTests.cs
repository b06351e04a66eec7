using System.Text.Encodings.Web;
using System.Text.Json;
using IngressFleet.Core.Manifests;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Core.Golden;

/// <summary>
/// Objects in, routing model out, as Contour's builder tests: each folder under <c>Core/Golden</c> holds the
/// manifests a user would apply (<c>input.yaml</c>) and the routes, backends and problems they must become
/// (<c>expected.json</c>). Run with <c>INGRESSFLEET_REGENERATE_GOLDEN=1</c> to rewrite the expected files
/// after a deliberate change, then review their diff.
/// </summary>
public sealed class GoldenTranslationTests
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Cases() => [.. Directory.GetDirectories(SourceFolder()).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_MatchesTheExpectedModel(string name)
    {
        var folder = Path.Combine(SourceFolder(), name);
        var file = ManifestParser.Parse(File.ReadAllText(Path.Combine(folder, "input.yaml")), $"{name}/input.yaml");
        var config = ConfigTranslator.Translate(ClusterObjects.From(file.Objects), IngressClassFilter.Default, RoutingConfig.Empty, file.Problems);
        var actual = JsonSerializer.Serialize(Describe(config), Json) + "\n";

        var expectedPath = Path.Combine(folder, "expected.json");
        if (Environment.GetEnvironmentVariable("INGRESSFLEET_REGENERATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing: run with INGRESSFLEET_REGENERATE_GOLDEN=1 to write it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Fact]
    public void Cases_AreThere()
    {
        // The theory above passes vacuously without cases.
        Assert.True(Cases().Count >= 5, "the golden cases were not found");
    }

    /// <summary>The model in a stable, readable order: routes as the table matches them, then backends and problems by key.</summary>
    private static object Describe(RoutingConfig config)
    {
        var table = RouteTableBuilder.Build(config.Ingresses.Values);
        return new
        {
            routes = table.Entries.Select(e => new { host = e.Host ?? "*", path = e.Path, match = e.Match.ToString(), backend = e.BackendKey, ingress = e.Ingress }),
            defaultBackend = table.DefaultBackend is { } d ? $"{d.BackendKey} ({d.Ingress})" : null,
            conflicts = table.Conflicts.Select(c => new { host = c.Host, path = c.Path, winner = c.Winner, loser = c.Loser }),
            backends = config.Backends.Values.OrderBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => new { backend = b.Key, destinations = b.Destinations.Select(x => x.ToString()), tls = b.Tls, problem = b.Problem }),
            problems = config.Problems.Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { key = p.Key, reasons = p.Reasons }),
        };
    }

    /// <summary>The cases in the source tree, so a regenerated file lands where it is committed.</summary>
    private static string SourceFolder() => Path.Combine(Repository.Root, "tests", "IngressFleet.UnitTests", "Core", "Golden");
}

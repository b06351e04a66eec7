using System.Text.Json;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Architecture;

/// <summary>
/// The pipeline's rules as facts about what each project is built against (its restore's assets file, so
/// transitive references count too): the sources never reach the data plane, the data plane knows no
/// Orleans beyond the serializer Core carries, Core knows no ASP.NET and no Orleans runtime.
/// </summary>
public sealed class ProjectReferenceTests
{
    [Theory]
    [InlineData("IngressFleet.Core", "Microsoft.Orleans.Core", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Core.Abstractions", "Microsoft.AspNetCore.App", "Yarp.ReverseProxy")]
    [InlineData("IngressFleet.Core", "project:IngressFleet.Grains.Contracts", "project:IngressFleet.DataPlane", "project:IngressFleet.Sources")]
    [InlineData("IngressFleet.DataPlane", "Microsoft.Orleans.Core", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Core.Abstractions", "Microsoft.Orleans.Streaming", "Microsoft.Orleans.Sdk")]
    [InlineData("IngressFleet.DataPlane", "project:IngressFleet.Grains.Contracts", "project:IngressFleet.Grains", "project:IngressFleet.Distribution", "project:IngressFleet.Sources")]
    [InlineData("IngressFleet.Sources", "project:IngressFleet.DataPlane", "project:IngressFleet.Distribution", "project:IngressFleet.Grains", "Microsoft.AspNetCore.App", "Yarp.ReverseProxy")]
    [InlineData("IngressFleet.Grains.Contracts", "project:IngressFleet.DataPlane", "project:IngressFleet.Grains", "Microsoft.AspNetCore.App")]
    [InlineData("IngressFleet.Grains", "project:IngressFleet.DataPlane", "project:IngressFleet.Distribution", "project:IngressFleet.Sources", "Microsoft.AspNetCore.App")]
    [InlineData("IngressFleet.Distribution", "project:IngressFleet.Sources", "project:IngressFleet.Grains")]
    public void Project_DoesNotReference(string project, params string[] forbidden)
    {
        var references = References(project);
        Assert.NotEmpty(references);
        var found = forbidden.Where(references.Contains).ToList();
        Assert.True(found.Count == 0, $"{project} references {string.Join(", ", found)}");
    }

    [Fact]
    public void DataPlane_ReachesOrleans_OnlyThroughCoresSerializer()
    {
        var orleans = References("IngressFleet.DataPlane").Where(r => r.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal)).Order().ToList();

        // Core's serializer, and the analyzers and code generator that come with it at build time: no grains, no runtime.
        Assert.Equal(["Microsoft.Orleans.Analyzers", "Microsoft.Orleans.CodeGenerator", "Microsoft.Orleans.Serialization", "Microsoft.Orleans.Serialization.Abstractions"], orleans);
    }

    [Fact]
    public void Check_FindsAReferenceThatExists()
    {
        // The rules above would pass vacuously if the assets could not be read: a reference known to exist must be found.
        Assert.Contains("project:IngressFleet.Core", References("IngressFleet.Sources"));
        Assert.Contains("Yarp.ReverseProxy", References("IngressFleet.DataPlane"));
        Assert.Contains("Microsoft.AspNetCore.App", References("IngressFleet.DataPlane"));
    }

    /// <summary>Every package, project (<c>project:Name</c>) and framework the project is built against, transitively.</summary>
    private static HashSet<string> References(string project)
    {
        var assets = Path.Combine(Repository.Root, "src", project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var library in json.RootElement.GetProperty("libraries").EnumerateObject())
        {
            var name = library.Name.Split('/')[0];
            result.Add(library.Value.GetProperty("type").GetString() == "project" ? $"project:{name}" : name);
        }

        foreach (var framework in json.RootElement.GetProperty("project").GetProperty("frameworks").EnumerateObject())
        {
            if (framework.Value.TryGetProperty("frameworkReferences", out var frameworks))
            {
                foreach (var reference in frameworks.EnumerateObject())
                {
                    result.Add(reference.Name);
                }
            }
        }

        return result;
    }
}

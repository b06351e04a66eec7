using System.Text.RegularExpressions;
using IngressFleet.Core.Logging;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Architecture;

/// <summary>How the code is laid out: one top-level type per file named after it, namespaces that follow folders, one log event id per message.</summary>
public sealed partial class SourceLayoutTests
{
    [Fact]
    public void EverySourceFile_HoldsOneTopLevelType_NamedLikeTheFile()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            var types = TopLevelType().Matches(text).Select(m => m.Groups["name"].Value + (m.Groups["generic"].Success ? "{" + m.Groups["generic"].Value + "}" : string.Empty)).ToList();
            var name = Path.GetFileNameWithoutExtension(file);
            if (types.Count > 1)
            {
                problems.Add($"{Relative(file)} holds {types.Count} types: {string.Join(", ", types)}");
            }
            else if (types.Count == 1 && types[0] != name)
            {
                problems.Add($"{Relative(file)} holds {types[0]}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Namespaces_FollowProjectAndFolder()
    {
        var problems = new List<string>();
        foreach (var file in SourceFiles())
        {
            var relative = Path.GetRelativePath(Path.Combine(Repository.Root, "src"), file);
            var parts = Path.GetDirectoryName(relative)!.Split(Path.DirectorySeparatorChar);
            var expected = string.Join('.', parts);
            var declared = NamespaceLine().Match(File.ReadAllText(file));
            if (declared.Success && declared.Groups[1].Value != expected)
            {
                problems.Add($"{relative}: namespace {declared.Groups[1].Value}, expected {expected}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void LogEventIds_AreUnique_AndEachUsedOnce()
    {
        var constants = typeof(EventIds).GetFields().Select(f => (f.Name, Id: (int)f.GetRawConstantValue()!)).ToList();
        Assert.Equal(constants.Count, constants.Select(c => c.Id).Distinct().Count());

        var uses = SourceFiles().SelectMany(f => LoggerMessage().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToList();
        Assert.DoesNotContain(uses, u => !u.StartsWith("EventIds.", StringComparison.Ordinal));
        var names = uses.Select(u => u["EventIds.".Length..]).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(constants.Select(c => c.Name).Order(), names.Order());
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetFileName(f) != "Program.cs");

    private static string Relative(string file) => Path.GetRelativePath(Repository.Root, file);

    [GeneratedRegex(@"^(?:\[.*\]\s*)?(?:public|internal|file)(?:\s+(?:sealed|static|abstract|readonly|partial))*\s+(?:record struct|class|record|struct|interface|enum|delegate\s+[\w<>\[\],.?]+)\s+(?<name>\w+)(?:<(?<generic>[^>]*)>)?", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\[LoggerMessage\(([^,]+),")]
    private static partial Regex LoggerMessage();
}

using System.Text.RegularExpressions;
using IngressFleet.Host.Hosting;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Deploy;

/// <summary>docs/options.md is the one place options are documented: it must list exactly what the host reads.</summary>
public sealed partial class OptionsDocumentationTests
{
    [Fact]
    public void OptionsPage_ListsEverySetting_WithItsSwitch_AndNothingElse()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "options.md"));
        var rows = Row().Matches(page).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["switch"].Value, StringComparer.Ordinal);
        var settings = HostSettings.OptionsTypes.SelectMany(t => t.GetProperties()).Where(p => p.CanWrite).Select(p => p.Name).ToList();

        Assert.Equal(settings.Count, settings.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(settings.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, key) in CommandLine.SwitchMappings)
        {
            var setting = key[(HostSettings.Section.Length + 1)..];
            Assert.True(rows.TryGetValue(setting, out var documented) && documented == name, $"{setting}: the page does not give its switch {name}");
        }
    }

    [GeneratedRegex(@"^\| `(?<name>\w+)` \| (?:`(?<switch>--[\w-]+)`)? \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}

namespace IngressFleet.Tests.Fixtures;

/// <summary>The checkout the tests run from.</summary>
public static class Repository
{
    private static readonly Lazy<string> FoundRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IngressFleet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository root (IngressFleet.sln) was not found above the test binaries");
    });

    public static string Root => FoundRoot.Value;
}

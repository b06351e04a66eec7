using k8s;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Writes manifests into a watched folder atomically: aside under a hidden name the source skips, then renamed.</summary>
internal static class ManifestWriter
{
    public static void Write(string folder, string file, params object[] objects) => WriteText(folder, file, KubernetesYaml.SerializeAll(objects));

    public static void WriteText(string folder, string file, string content)
    {
        var temp = Path.Combine(folder, $".{file}.tmp");
        File.WriteAllText(temp, content);
        File.Move(temp, Path.Combine(folder, file), overwrite: true);
    }
}

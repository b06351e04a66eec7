using System.Text;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Manifests that use YAML aliases to multiply what they say.</summary>
internal static class AliasManifest
{
    /// <summary>An Ingress whose first rule anchors <paramref name="paths"/> paths and whose other rules alias them.</summary>
    public static string Multiplying(int paths, int aliases)
    {
        var yaml = new StringBuilder("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: aliases
            spec:
              rules:
              - host: a0.test
                http:
                  paths: &paths

            """);
        for (var i = 0; i < paths; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"      - {{path: /p{i}, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}\n");
        }

        for (var i = 1; i <= aliases; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - host: a{i}.test\n    http:\n      paths: *paths\n");
        }

        return yaml.ToString();
    }
}

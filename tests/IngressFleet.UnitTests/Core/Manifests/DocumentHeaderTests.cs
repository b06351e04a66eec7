using IngressFleet.Core.Manifests;
using k8s;

namespace IngressFleet.Tests.Core.Manifests;

/// <summary>
/// The header read from parser events must be what the full deserialisation gives, or nothing (and then the
/// parser falls back to the full deserialisation): checked against it document by document.
/// </summary>
public sealed class DocumentHeaderTests
{
    public static TheoryData<string, bool> Documents => new()
    {
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{port: 80}]\n", true },
        { "apiVersion: \"networking.k8s.io/v1\"\nkind: 'Ingress'\nmetadata:\n  labels: {a: b}\n  name: \"web-1\"\n", true },
        { "{apiVersion: v1, kind: Service, metadata: {name: web}}", true },
        { "kind: Service\napiVersion: v1\nspec: {}\nmetadata:\n  annotations:\n    x: \"1\"\n  name: web\n", true },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: 123\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: 0x1f\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1e5\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: true\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: null\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: !custom web\n", false },
        { "apiVersion: v1\nkind: &k Service\nmetadata:\n  name: web\nspec:\n  x: *k\n", false },
        { "base: &b {kind: Service}\napiVersion: v1\n<<: *b\nmetadata:\n  name: web\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  <<: [{name: a}]\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  deep: {list: [1, *missing]}\n", false },
        { "- apiVersion: v1\n", false },
        { "just a scalar\n", false },
        { "apiVersion: v1\nkind: Service\nmetadata: web\n", false },
        { "apiVersion: [v1]\nkind: Service\n", false },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void TheHeader_IsTheFullDeserialisationsOrNothing(string yaml, bool fastPath)
    {
        var header = DocumentHeader.TryRead(yaml);

        Assert.Equal(fastPath, header is not null);
        if (header is null)
        {
            return;
        }

        var full = KubernetesYaml.Deserialize<Dictionary<object, object>>(yaml);
        Assert.Equal(full.GetValueOrDefault("apiVersion") as string, header.GetValueOrDefault("apiVersion") as string);
        Assert.Equal(full.GetValueOrDefault("kind") as string, header.GetValueOrDefault("kind") as string);
        var fullMetadata = full.GetValueOrDefault("metadata") as Dictionary<object, object>;
        var metadata = header.GetValueOrDefault("metadata") as Dictionary<object, object>;
        Assert.Equal(fullMetadata?.GetValueOrDefault("name") as string, metadata?.GetValueOrDefault("name") as string);
        Assert.Equal(fullMetadata?.GetValueOrDefault("namespace") as string, metadata?.GetValueOrDefault("namespace") as string);
    }
}

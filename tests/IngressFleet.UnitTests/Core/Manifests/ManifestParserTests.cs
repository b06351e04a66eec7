using System.Text;
using IngressFleet.Core.Manifests;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Manifests;

public sealed class ManifestParserTests
{
    private const string Ingress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          defaultBackend:
            service:
              name: web
              port:
                number: 80
        """;

    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          ports:
            - port: 80
        """;

    [Fact]
    public void Parse_MultiDocumentYaml_ReadsEveryObject_AndSkipsOtherKinds()
    {
        var yaml = $"{Ingress}\n---\n{Service}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\n";

        var file = ManifestParser.Parse(yaml, "web.yaml");

        Assert.False(file.FileRejected);
        Assert.Empty(file.Problems);
        Assert.Collection(
            file.Objects,
            o => Assert.Equal("web", Assert.IsType<V1Ingress>(o).Metadata.Name),
            o => Assert.Equal("shop", Assert.IsType<V1Service>(o).Metadata.NamespaceProperty));
    }

    [Fact]
    public void Parse_Json_IsReadToo()
    {
        const string json = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"j"},"spec":{"ports":[{"port":80}]}}""";

        var file = ManifestParser.Parse(json, "svc.json");

        Assert.Equal(80, Assert.IsType<V1Service>(Assert.Single(file.Objects)).Spec.Ports[0].Port);
    }

    [Fact]
    public void Parse_BrokenYaml_RejectsTheFile_WithTheLine()
    {
        var file = ManifestParser.Parse("apiVersion: v1\nkind: Service\nmetadata: [unclosed\n", "bad.yaml");

        Assert.True(file.FileRejected);
        Assert.Empty(file.Objects);
        var reason = Assert.Single(Assert.Single(file.Problems).Reasons);
        Assert.StartsWith("not valid YAML at line", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json at all")]
    [InlineData("key: [a, b")]
    [InlineData("\t- tabbed: {")]
    [InlineData("%YAML 9.9\n---\na: b")]
    public void Parse_MalformedInput_RejectsTheFile_WithoutThrowing(string content)
    {
        var file = ManifestParser.Parse(content, "bad.yaml");

        Assert.True(file.FileRejected);
        Assert.StartsWith("not valid YAML", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongFieldType_RejectsThatObjectAlone()
    {
        var wrong = Service.Replace("- port: 80", "- port: eighty", StringComparison.Ordinal).Replace("name: web", "name: wrong", StringComparison.Ordinal);

        var file = ManifestParser.Parse($"{Ingress}\n---\n{wrong}", "mixed.yaml");

        Assert.False(file.FileRejected);
        Assert.IsType<V1Ingress>(Assert.Single(file.Objects));
        var problem = Assert.Single(file.Problems);
        Assert.Equal(("Service", "shop", "wrong"), (problem.Kind, problem.Namespace, problem.Name));
        Assert.Equal(["Service/shop/wrong"], file.RejectedObjects.AsEnumerable());
    }

    [Fact]
    public void Parse_MutatedManifests_NeverThrow()
    {
        // Random edits of a valid file: every outcome must be a result, never an exception.
        var random = new Random(20261126);
        var source = $"{Ingress}\n---\n{Service}";
        const string alphabet = ":-[]{}#&*!|>'\"%@`,? \n\tab0123456789";
        int rejectedFiles = 0, rejectedDocuments = 0, read = 0;
        for (var i = 0; i < 3000; i++)
        {
            var chars = source.ToCharArray();
            for (var edits = random.Next(1, 6); edits > 0; edits--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            var file = ManifestParser.Parse(new string(chars), "fuzz.yaml");

            rejectedFiles += file.FileRejected ? 1 : 0;
            rejectedDocuments += file.FileRejected ? 0 : file.Problems.Length;
            read += file.Objects.Length;
        }

        // The edits reached every outcome, so the loop exercised more than the happy path.
        Assert.True(rejectedFiles > 100 && rejectedDocuments > 100 && read > 100, $"{rejectedFiles} files rejected, {rejectedDocuments} documents rejected, {read} objects read");
    }

    [Fact]
    public void Parse_OldApiVersion_IsReported()
    {
        var file = ManifestParser.Parse(Ingress.Replace("networking.k8s.io/v1", "extensions/v1beta1", StringComparison.Ordinal), "old.yaml");

        Assert.Empty(file.Objects);
        Assert.Contains("not supported", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DocumentWithoutKind_IsReported()
    {
        var file = ManifestParser.Parse("metadata:\n  name: x\n", "nokind.yaml");

        Assert.Contains("apiVersion and kind are required", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedYaml_IsRejectedWithoutRecursing()
    {
        var depth = 100_000;
        var yaml = new StringBuilder("apiVersion: v1\nkind: Service\nmetadata:\n  name: deep\nspec: ")
            .Append('[', depth).Append(']', depth).ToString();

        var file = ManifestParser.Parse(yaml, "deep.yaml");

        Assert.True(file.FileRejected);
        Assert.Contains("nesting deeper than", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasBomb_IsRejected()
    {
        var yaml = new StringBuilder("a: &a [x, x]\n");
        for (var i = 0; i < 1500; i++)
        {
            yaml.Append('b').Append(i).Append(": *a\n");
        }

        var file = ManifestParser.Parse(yaml.ToString(), "bomb.yaml");

        Assert.True(file.FileRejected);
    }

    [Fact]
    public void Parse_AliasMultiplication_UnderTheAliasCount_IsRejectedByTheExpansionBudget()
    {
        // 996 aliases of one large anchor: within the alias count, but 249,000 paths once expanded.
        var yaml = AliasManifest.Multiplying(paths: 250, aliases: 996);
        var file = ManifestParser.Parse(yaml, "aliases.yaml");
        Assert.True(file.FileRejected);
        Assert.Contains("expand to more than 10000 nodes", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ModestAliases_AreExpanded()
    {
        var file = ManifestParser.Parse(AliasManifest.Multiplying(paths: 2, aliases: 3), "aliases.yaml");
        Assert.False(file.FileRejected, string.Join("; ", file.Problems.SelectMany(p => p.Reasons)));
        var ingress = Assert.IsType<V1Ingress>(Assert.Single(file.Objects));
        Assert.Equal(4, ingress.Spec.Rules.Count);
        Assert.All(ingress.Spec.Rules, r => Assert.Equal(2, r.Http.Paths.Count));
    }

    [Fact]
    public void Parse_TenMegabytesOfGarbage_IsRejectedAsAFile()
    {
        var garbage = new string('{', 10 * 1024 * 1024);

        var file = ManifestParser.Parse(garbage, "huge.yaml");

        Assert.True(file.FileRejected);
        Assert.Empty(file.Objects);
    }

    [Fact]
    public void Parse_FileOverTheSizeLimit_IsRejectedUnread()
    {
        var file = ManifestParser.Parse(new string(' ', 2048), "big.yaml", new ManifestLimits { MaxFileBytes = 1024 });

        Assert.True(file.FileRejected);
        Assert.Contains("larger than the limit", Assert.Single(Assert.Single(file.Problems).Reasons), StringComparison.Ordinal);
    }
}

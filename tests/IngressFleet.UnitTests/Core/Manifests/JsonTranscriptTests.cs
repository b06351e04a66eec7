using IngressFleet.Core.Manifests;
using IngressFleet.Tests.Fixtures;
using k8s;
using k8s.Models;
using YamlDotNet.Core;

namespace IngressFleet.Tests.Core.Manifests;

/// <summary>
/// The transcript path must read every document exactly as YamlDotNet's typed deserialiser does, or step aside:
/// each document of the repository's manifests, and documents built to probe YAML's typing, is read both ways and
/// the two objects compared as KubernetesClient serialises them.
/// </summary>
public sealed class JsonTranscriptTests
{
    private const string Typing = """
        apiVersion: v1
        kind: Service
        metadata:
          name: typing
          labels:
            version: 1
            enabled: true
            tilde: "~"
            float: 1.50
            word: yes
          annotations:
            quoted-number: "8080"
            multi: |
              line one
              line two
            folded: >
              folded
              text
            unicode: "é ✓ \u0001"
        spec:
          publishNotReadyAddresses: True
          allocateLoadBalancerNodePorts: "false"
          ports:
            - port: "80"
              targetPort: 8080
              name: http
            - port: 443
              targetPort: https
          sessionAffinityConfig:
            clientIP:
              timeoutSeconds: 10800
        """;

    private const string Secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: tls
          creationTimestamp: "2024-01-02T03:04:05Z"
        type: kubernetes.io/tls
        immutable: false
        data:
          tls.crt: aGVsbG8=
          tls.key: d29ybGQ=
        """;

    public static TheoryData<string> Files() =>
    [
        .. new[] { "deploy", "tests/IngressFleet.UnitTests/Core" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Repository.Root, d), "*.yaml", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryDocumentOfTheRepositorysManifests_ReadsAsYamlDotNetReadsIt(string file)
    {
        var read = 0;
        foreach (var (yaml, json) in Documents(File.ReadAllText(Path.Combine(Repository.Root, file))))
        {
            read += AssertSameAsYamlDotNet(yaml, json) ? 1 : 0;
        }

        Assert.True(read > 0 || !File.ReadAllText(Path.Combine(Repository.Root, file)).Contains("kind: Ingress", StringComparison.Ordinal), $"no Ingress of {file} was read through its transcript");
    }

    [Fact]
    public void ScalarsThatYamlTypes_KeepTheirText_InStringFields_AndTheirValue_InTypedOnes()
    {
        var (yaml, json) = Assert.Single(Documents(Typing));
        Assert.True(AssertSameAsYamlDotNet(yaml, json));

        var service = TranscriptReader.TryRead<V1Service>(json!)!;
        Assert.Equal("1", service.Metadata.Labels["version"]);
        Assert.Equal("1.50", service.Metadata.Labels["float"]);
        Assert.Equal("yes", service.Metadata.Labels["word"]);
        Assert.Equal("~", service.Metadata.Labels["tilde"]);
        Assert.Equal(80, service.Spec.Ports[0].Port);
        Assert.True(service.Spec.PublishNotReadyAddresses);
        Assert.False(service.Spec.AllocateLoadBalancerNodePorts);
        Assert.Equal(10800, service.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds);
    }

    [Fact]
    public void A_Secret_ReadsItsBytes_AndItsTimestamp()
    {
        var (yaml, json) = Assert.Single(Documents(Secret));
        Assert.True(AssertSameAsYamlDotNet(yaml, json));
        var transcribed = TranscriptReader.TryRead<V1Secret>(json!)!;
        Assert.Equal("hello"u8.ToArray(), transcribed.Data["tls.crt"]);
        var created = KubernetesYaml.Deserialize<V1Secret>(yaml).Metadata.CreationTimestamp;
        Assert.Equal((created, created?.Kind), (transcribed.Metadata.CreationTimestamp, transcribed.Metadata.CreationTimestamp?.Kind));
    }

    [Theory]
    [InlineData("metadata: &m\n  name: a\nspec: *m\n", "an anchor and an alias")]
    [InlineData("metadata:\n  name: !!str 80\n", "a tag")]
    [InlineData("metadata:\n  <<: {name: a}\n", "a merge key")]
    [InlineData("metadata:\n  name: a\n  name: b\n", "a key given twice")]
    [InlineData("metadata:\n  \"<<\": {name: a}\n", "a quoted merge key")]
    [InlineData("metadata:\n  name: \"<<\"\n", "a merge key as a value")]
    [InlineData("spec:\n  ports:\n    - port: 0443\n", "a number with a leading zero")]
    [InlineData("spec:\n  ports:\n    - port: \"-0443\"\n", "a quoted number with a leading zero")]
    [InlineData("spec:\n  ports:\n    - targetPort: ~\n", "a null")]
    [InlineData("spec:\n  ports:\n    - targetPort: \"\"\n", "an empty value")]
    [InlineData("spec:\n  clusterIP:\n", "a value left out")]
    [InlineData("metadata:\n  name: a\n  creationTimestamp: \"2024-01-02T03:04:05+02:00\"\n", "a timestamp with an offset")]
    [InlineData("metadata:\n  name: a\n  creationTimestamp: 2024-01-02T03:04:05\n", "a timestamp without a zone")]
    [InlineData("metadata:\n  ? [a, b]\n  : c\n", "a complex key")]
    public void WhatOnlyYamlDotNetReadsAsMeant_AbandonsTheTranscript(string body, string what)
    {
        var (_, json) = Assert.Single(Documents("apiVersion: v1\nkind: Service\n" + body));
        Assert.True(json is null, $"{what} was transcribed");
    }

    [Theory]
    [InlineData("spec:\n  publishNotReadyAddresses: yes\n")]
    [InlineData("spec:\n  publishNotReadyAddresses: tRuE\n")]
    [InlineData("spec:\n  ports:\n    - port: 0x50\n")]
    [InlineData("spec:\n  ports:\n    - port: eighty\n")]
    public void A_ValueTheReaderCannotType_FailsTheTranscript_SoYamlDotNetDecides(string body)
    {
        var (_, json) = Assert.Single(Documents("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n" + body));
        Assert.NotNull(json);
        Assert.Null(TranscriptReader.TryRead<V1Service>(json));
    }

    [Theory]
    [InlineData("\"8080\"", "8080")]
    [InlineData("web", "web")]
    [InlineData("'true'", "true")]
    public void A_NameThatOnlyQuotingMakesAString_IsReadFromTheYaml_AsBefore(string written, string name)
    {
        var file = ManifestParser.Parse($"apiVersion: v1\nkind: Service\nmetadata:\n  name: {written}\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n", "svc.yaml");

        var service = Assert.IsType<V1Service>(Assert.Single(file.Objects));
        Assert.Equal((name, "shop"), (service.Metadata.Name, service.Metadata.NamespaceProperty));
        Assert.Empty(file.Problems);
    }

    [Fact]
    public void A_DocumentOfMoreEventsThanYamlDotNetTakes_AbandonsTheTranscript()
    {
        var addresses = string.Concat(Enumerable.Range(0, 50_001).Select(i => $"      - ip: 10.0.{i / 250 % 250}.{i % 250}\n"));
        var (_, json) = Assert.Single(Documents($"apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: a\nsubsets:\n  - addresses:\n{addresses}"));
        Assert.Null(json);
    }

    /// <returns>False when the document is of no kind compared here, or its transcript stepped aside.</returns>
    private static bool AssertSameAsYamlDotNet(string yaml, byte[]? json)
    {
        string? kind;
        try
        {
            kind = KubernetesYaml.Deserialize<Dictionary<object, object>>(yaml)?.GetValueOrDefault("kind") as string;
        }
        catch (YamlException)
        {
            return false; // not a mapping: the parser reports it before any typed read
        }

        return kind switch
        {
            "Ingress" => Same<V1Ingress>(yaml, json),
            "IngressClass" => Same<V1IngressClass>(yaml, json),
            "Service" => Same<V1Service>(yaml, json),
            "Endpoints" => Same<V1Endpoints>(yaml, json),
            "EndpointSlice" => Same<V1EndpointSlice>(yaml, json),
            "Secret" => Same<V1Secret>(yaml, json),
            _ => false,
        };
    }

    private static bool Same<T>(string yaml, byte[]? json)
        where T : class
    {
        if (json is null || TranscriptReader.TryRead<T>(json) is not { } transcribed)
        {
            return false;
        }

        T expected;
        try
        {
            expected = KubernetesYaml.Deserialize<T>(yaml);
        }
        catch (Exception e) when (e is YamlException or FormatException or InvalidOperationException or OverflowException)
        {
            Assert.Fail($"the transcript read a document YamlDotNet refuses ({e.Message}):\n{yaml}");
            throw;
        }

        Assert.Equal(KubernetesJson.Serialize(expected), KubernetesJson.Serialize(transcribed));
        return true;
    }

    /// <summary>Each document's text and transcript, as <see cref="ManifestParser"/> scans them.</summary>
    private static List<(string Yaml, byte[]? Json)> Documents(string content) =>
        [.. ManifestParser.ScanDocuments(content, ManifestLimits.Default).Select(d => (content[d.Start..d.End], d.Json))];
}

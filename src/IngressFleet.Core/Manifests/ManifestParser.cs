using System.Collections.Immutable;
using System.Globalization;
using IngressFleet.Core.Model;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IngressFleet.Core.Manifests;

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML, or JSON, which is YAML) into KubernetesClient models.
/// A document that fails is reported alone; a file that is not YAML, too large or too deep is rejected whole.
/// Kinds IngressFleet does not consume (Deployments, ConfigMaps, ...) are skipped silently.
/// </summary>
public static class ManifestParser
{
    private static readonly Dictionary<string, ObjectReader> Kinds = new(StringComparer.Ordinal)
    {
        ["networking.k8s.io/v1/Ingress"] = ObjectReader.For<V1Ingress>("Ingress"),
        ["networking.k8s.io/v1/IngressClass"] = ObjectReader.For<V1IngressClass>("IngressClass"),
        ["v1/Service"] = ObjectReader.For<V1Service>("Service"),
        ["v1/Endpoints"] = ObjectReader.For<V1Endpoints>("Endpoints"),
        ["discovery.k8s.io/v1/EndpointSlice"] = ObjectReader.For<V1EndpointSlice>("EndpointSlice"),
        ["v1/Secret"] = ObjectReader.For<V1Secret>("Secret"),
    };

    /// <summary>Old API versions of kinds we consume: reported, since the user clearly meant them for us.</summary>
    private static readonly HashSet<string> UnsupportedVersions = new(StringComparer.Ordinal)
    {
        "extensions/v1beta1/Ingress",
        "networking.k8s.io/v1beta1/Ingress",
        "networking.k8s.io/v1beta1/IngressClass",
        "discovery.k8s.io/v1beta1/EndpointSlice",
    };

    public static ManifestFile Parse(string content, string origin, ManifestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        limits ??= ManifestLimits.Default;
        if (content.Length > limits.MaxFileBytes)
        {
            return Reject(origin, $"file is larger than the limit of {limits.MaxFileBytes} bytes");
        }

        List<(int Start, int End, int Line, byte[]? Json)> documents;
        try
        {
            documents = ScanDocuments(content, limits);
        }
        catch (YamlException e)
        {
            return Reject(origin, $"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {Innermost(e)}");
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            // The scanner throws more than YamlException on some malformed input.
            return Reject(origin, $"not valid YAML: {Innermost(e)}");
        }
        catch (InvalidDataException e)
        {
            return Reject(origin, e.Message);
        }

        var objects = ImmutableArray.CreateBuilder<object>();
        var problems = ImmutableArray.CreateBuilder<ObjectProblem>();
        var rejected = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < documents.Count; i++)
        {
            var (start, end, line, json) = documents[i];
            ReadDocument(content[start..end], json, origin, i, line, objects, problems, rejected);
        }

        return new ManifestFile(objects.ToImmutable(), problems.ToImmutable(), false, rejected.ToImmutable());
    }

    /// <summary>A whole file rejected for <paramref name="reason"/>.</summary>
    public static ManifestFile Reject(string origin, string reason) =>
        new([], [new ObjectProblem("File", string.Empty, origin, origin, [reason])], true, []);

    /// <summary>
    /// One pass over the YAML events, before any deserialisation: checks syntax, depth and aliases
    /// (the deserialiser recurses, and merge keys expand aliases), finds where each document is and writes each
    /// one's <see cref="JsonTranscript"/>.
    /// </summary>
    internal static List<(int Start, int End, int Line, byte[]? Json)> ScanDocuments(string content, ManifestLimits limits)
    {
        var documents = new List<(int, int, int, byte[]?)>();
        using var transcript = new JsonTranscript();
        var parser = new Parser(new StringReader(content));
        int depth = 0, aliases = 0, start = 0, line = 0;

        // Nodes counted as if aliases were expanded: an anchor's size is the nodes under it, expansions included.
        long nodes = 0, expanded = 0;
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long StartNodes)>();
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case Scalar s:
                    nodes++;
                    if (!s.Anchor.IsEmpty)
                    {
                        anchorSizes[s.Anchor.Value] = 1;
                    }

                    break;
                case NodeEvent n and (MappingStart or SequenceStart):
                    nodes++;
                    open.Push((n.Anchor.IsEmpty ? null : n.Anchor.Value, nodes));
                    break;
            }

            if (parser.Current is not (StreamStart or StreamEnd or DocumentStart or DocumentEnd))
            {
                transcript.Add(parser.Current!);
            }

            switch (parser.Current)
            {
                case DocumentStart d:
                    start = (int)d.Start.Index;
                    line = (int)d.Start.Line;
                    transcript.Begin();
                    break;
                case DocumentEnd d:
                    if (documents.Count >= limits.MaxDocuments)
                    {
                        throw new InvalidDataException($"file has more than {limits.MaxDocuments} documents");
                    }

                    documents.Add((start, (int)d.End.Index, line, transcript.End()));
                    break;
                case MappingStart or SequenceStart:
                    if (++depth > limits.MaxDepth)
                    {
                        throw new InvalidDataException($"nesting deeper than {limits.MaxDepth} levels at line {parser.Current.Start.Line}");
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    if (open.TryPop(out var closed) && closed.Anchor is { } anchor)
                    {
                        anchorSizes[anchor] = nodes - closed.StartNodes + 1;
                    }

                    break;
                case AnchorAlias alias:
                    if (++aliases > limits.MaxAliases)
                    {
                        throw new InvalidDataException($"more than {limits.MaxAliases} YAML aliases");
                    }

                    var size = anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                    nodes += size;
                    expanded += size;
                    if (expanded > limits.MaxAliasExpansionNodes)
                    {
                        throw new InvalidDataException($"YAML aliases expand to more than {limits.MaxAliasExpansionNodes} nodes (at line {alias.Start.Line})");
                    }

                    break;
            }
        }

        return documents;
    }

    private static void ReadDocument(
        string yaml,
        byte[]? json,
        string origin,
        int index,
        int firstLine,
        ImmutableArray<object>.Builder objects,
        ImmutableArray<ObjectProblem>.Builder problems,
        ImmutableArray<string>.Builder rejected)
    {
        Dictionary<object, object>? header;
        try
        {
            header = (json is null ? null : DocumentHeader.TryRead(json)) ?? DocumentHeader.TryRead(yaml) ?? KubernetesYaml.Deserialize<Dictionary<object, object>>(yaml);
        }
        catch (YamlException e)
        {
            problems.Add(DocumentProblem(origin, index, $"line {firstLine + e.Start.Line - 1}: document is not a mapping: {Innermost(e)}"));
            return;
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            problems.Add(DocumentProblem(origin, index, $"line {firstLine}: document is not a mapping: {Innermost(e)}"));
            return;
        }

        if (header is null)
        {
            return; // an empty document, e.g. after a trailing '---'
        }

        var apiVersion = header.GetValueOrDefault("apiVersion") as string;
        var kind = header.GetValueOrDefault("kind") as string;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            problems.Add(DocumentProblem(origin, index, $"line {firstLine}: apiVersion and kind are required"));
            return;
        }

        var metadata = header.GetValueOrDefault("metadata") as Dictionary<object, object>;
        var name = metadata?.GetValueOrDefault("name") as string ?? string.Empty;
        var ns = metadata?.GetValueOrDefault("namespace") as string;
        ns = string.IsNullOrEmpty(ns) ? "default" : ns;
        var typeKey = $"{apiVersion}/{kind}";
        if (UnsupportedVersions.Contains(typeKey))
        {
            problems.Add(new ObjectProblem(kind, ns, name, origin, [$"apiVersion {apiVersion} of {kind} is not supported; use the v1 API"]));
            return;
        }

        if (!Kinds.TryGetValue(typeKey, out var reader))
        {
            return;
        }

        if (name.Length == 0)
        {
            problems.Add(new ObjectProblem(kind, ns, $"(document {index + 1})", origin, ["metadata.name: required"]));
            return;
        }

        try
        {
            // The transcript when it reads; otherwise YamlDotNet, which also words the error of a document that fails.
            objects.Add((json is null ? null : reader.ReadTranscript(json)) ?? reader.Read(yaml));
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            var line = e is YamlException y ? firstLine + y.Start.Line - 1 : firstLine;
            rejected.Add($"{reader.Kind}/{ns}/{name}");
            problems.Add(new ObjectProblem(reader.Kind, ns, name, origin, [$"line {line}: {Innermost(e)}"]));
        }
    }

    private static ObjectProblem DocumentProblem(string origin, int index, string reason) =>
        new("Document", string.Empty, $"{origin}#{(index + 1).ToString(CultureInfo.InvariantCulture)}", origin, [reason]);

    /// <summary>What YamlDotNet and the model converters throw on bad input (not only YamlException).</summary>
    private static bool IsParseFailure(Exception e) =>
        e is YamlException or InvalidOperationException or FormatException or OverflowException or InvalidCastException or ArgumentException or KeyNotFoundException;

    private static string Innermost(Exception e) => Logging.ExceptionChain.Innermost(e)!.Message;

    /// <summary>How one kind is read: from its JSON transcript (null when that fails), or with YamlDotNet.</summary>
    private sealed record ObjectReader(string Kind, Func<byte[], object?> ReadTranscript, Func<string, object> Read)
    {
        public static ObjectReader For<T>(string kind)
            where T : class => new(kind, TranscriptReader.TryRead<T>, y => KubernetesYaml.Deserialize<T>(y));
    }
}

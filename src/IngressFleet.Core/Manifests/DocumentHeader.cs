using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IngressFleet.Core.Manifests;

/// <summary>
/// Reads a document's <c>apiVersion</c>, <c>kind</c> and <c>metadata.name</c>/<c>namespace</c> from its
/// <see cref="JsonTranscript"/> or its parser events, without deserialising the document: the full deserialiser
/// runs once, for the typed object. Reads only the plain case (a mapping whose fields are strings, and no anchor,
/// alias, tag or merge key anywhere in the document); for anything else it returns null and the caller
/// deserialises the header as before, so edge cases (aliases, merge keys, tags, numbers, booleans, non-mapping
/// documents) keep exactly that behaviour.
/// </summary>
internal static class DocumentHeader
{
    /// <returns>The fields as the header dictionary the caller reads (<c>metadata</c> as a nested dictionary), or null.</returns>
    public static Dictionary<object, object>? TryRead(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        if (!parser.TryConsume<StreamStart>(out _) || !parser.TryConsume<DocumentStart>(out _) || !parser.TryConsume<MappingStart>(out _))
        {
            return null;
        }

        var header = new Dictionary<object, object>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key) || !IsPlainKey(key))
            {
                return null;
            }

            switch (key.Value)
            {
                case "apiVersion" or "kind":
                    if (!TryReadString(parser, out var value))
                    {
                        return null;
                    }

                    header[key.Value] = value;
                    break;
                case "metadata":
                    if (TryReadMetadata(parser) is not { } metadata)
                    {
                        return null;
                    }

                    header[key.Value] = metadata;
                    break;
                default:
                    if (!TrySkipPlain(parser))
                    {
                        return null;
                    }

                    break;
            }
        }

        return header;
    }

    /// <summary>
    /// The same fields from the document's <see cref="JsonTranscript"/>, on the same terms: a transcript no longer
    /// tells a quoted scalar from a plain one, so every value must be one a plain scalar could give as a string.
    /// </summary>
    public static Dictionary<object, object>? TryRead(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var header = new Dictionary<object, object>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "apiVersion" or "kind":
                    if (TryReadString(ref reader) is not { } value)
                    {
                        return null;
                    }

                    header[key] = value;
                    break;
                case "metadata":
                    if (TryReadMetadata(ref reader) is not { } metadata)
                    {
                        return null;
                    }

                    header[key] = metadata;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return header;
    }

    private static Dictionary<object, object>? TryReadMetadata(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var metadata = new Dictionary<object, object>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (key is "name" or "namespace")
            {
                if (TryReadString(ref reader) is not { } value)
                {
                    return null;
                }

                metadata[key] = value;
            }
            else
            {
                reader.Skip();
            }
        }

        return metadata;
    }

    private static string? TryReadString(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { } value && IsPlainString(value) ? value : null;

    private static Dictionary<object, object>? TryReadMetadata(Parser parser)
    {
        if (!parser.TryConsume<MappingStart>(out _))
        {
            return null;
        }

        var metadata = new Dictionary<object, object>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key) || !IsPlainKey(key))
            {
                return null;
            }

            if (key.Value is "name" or "namespace")
            {
                if (!TryReadString(parser, out var value))
                {
                    return null;
                }

                metadata[key.Value] = value;
            }
            else if (!TrySkipPlain(parser))
            {
                return null;
            }
        }

        return metadata;
    }

    /// <summary>Consumes one node and everything in it; false when it holds an anchor, alias, tag or merge key.</summary>
    private static bool TrySkipPlain(Parser parser)
    {
        var depth = 0;
        do
        {
            switch (parser.Current)
            {
                case AnchorAlias:
                    return false;
                case NodeEvent node when !node.Anchor.IsEmpty || !node.Tag.IsEmpty:
                    return false;
                case Scalar { Value: "<<" }:
                    return false;
                case MappingStart or SequenceStart:
                    depth++;
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case null:
                    return false;
            }

            parser.MoveNext();
        }
        while (depth > 0);

        return true;
    }

    private static bool IsPlainKey(Scalar key) => key.Anchor.IsEmpty && key.Tag.IsEmpty && key.Value != "<<";

    /// <summary>A quoted scalar, or a plain one that can only be a string (it holds a letter and is no YAML null or boolean).</summary>
    private static bool TryReadString(Parser parser, out string value)
    {
        value = string.Empty;
        if (!parser.TryConsume<Scalar>(out var scalar) || !scalar.Anchor.IsEmpty || !scalar.Tag.IsEmpty)
        {
            return false;
        }

        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            value = scalar.Value;
            return true;
        }

        if (scalar.Style != ScalarStyle.Plain || !IsPlainString(scalar.Value))
        {
            return false;
        }

        value = scalar.Value;
        return true;
    }

    /// <summary>A plain scalar that can only be a string: it holds a letter and is no YAML null, boolean or number.</summary>
    private static bool IsPlainString(string plain) => plain.Any(char.IsAsciiLetter) && !IsReserved(plain) && !LooksNumeric(plain);

    /// <summary>Hexadecimal, octal or exponent forms, which the full deserialiser may read as numbers.</summary>
    private static bool LooksNumeric(string plain) =>
        plain.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || plain.StartsWith("0o", StringComparison.OrdinalIgnoreCase)
        || double.TryParse(plain, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static bool IsReserved(string plain) =>
        plain.ToUpperInvariant() is "NULL" or "TRUE" or "FALSE" or "YES" or "NO" or "ON" or "OFF" or "Y" or "N" or ".INF" or "-.INF" or "+.INF" or ".NAN";
}

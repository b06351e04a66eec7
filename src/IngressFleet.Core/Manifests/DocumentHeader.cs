using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IngressFleet.Core.Manifests;

/// <summary>
/// Reads a document's <c>apiVersion</c>, <c>kind</c> and <c>metadata.name</c>/<c>namespace</c> from its parser
/// events, without deserialising the document: the full deserialiser runs once, for the typed object. Reads only
/// the plain case (a mapping whose fields are strings); for anything else it returns null and the caller
/// deserialises the header as before, so edge cases (aliases, numbers, booleans, non-mapping documents) keep
/// exactly that behaviour.
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
            if (!parser.TryConsume<Scalar>(out var key))
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
                    if (parser.Current is AnchorAlias)
                    {
                        return null;
                    }

                    parser.SkipThisAndNestedEvents();
                    break;
            }
        }

        return header;
    }

    private static Dictionary<object, object>? TryReadMetadata(Parser parser)
    {
        if (!parser.TryConsume<MappingStart>(out _))
        {
            return null;
        }

        var metadata = new Dictionary<object, object>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key))
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
            else if (parser.Current is AnchorAlias)
            {
                return null;
            }
            else
            {
                parser.SkipThisAndNestedEvents();
            }
        }

        return metadata;
    }

    /// <summary>A quoted scalar, or a plain one that can only be a string (it holds a letter and is no YAML null or boolean).</summary>
    private static bool TryReadString(Parser parser, out string value)
    {
        value = string.Empty;
        if (!parser.TryConsume<Scalar>(out var scalar) || !scalar.Anchor.IsEmpty)
        {
            return false;
        }

        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            value = scalar.Value;
            return true;
        }

        var plain = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || !plain.Any(char.IsAsciiLetter) || IsReserved(plain))
        {
            return false;
        }

        value = plain;
        return true;
    }

    private static bool IsReserved(string plain) =>
        plain.ToUpperInvariant() is "NULL" or "TRUE" or "FALSE" or "YES" or "NO" or "ON" or "OFF" or "Y" or "N" or ".INF" or "-.INF" or "+.INF" or ".NAN";
}

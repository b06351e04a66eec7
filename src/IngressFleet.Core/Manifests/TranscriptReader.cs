using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace IngressFleet.Core.Manifests;

/// <summary>
/// Reads a <see cref="JsonTranscript"/> into a KubernetesClient model with KubernetesClient's own JSON options
/// (a copy: the process-wide ones stay as they are), reading numbers and booleans from the strings a transcript
/// holds. Anything it cannot read as YamlDotNet would (a number in another notation, <c>yes</c> for a boolean, a
/// YAML null for a number) fails, and the caller reads the document with YamlDotNet instead.
/// </summary>
internal static class TranscriptReader
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <returns>The object, or null when the transcript does not read as <typeparamref name="T"/>.</returns>
    public static T? TryRead<T>(byte[] json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        JsonSerializerOptions? kubernetes = null;
        KubernetesJson.AddJsonOptions(o => kubernetes = o);
        var options = new JsonSerializerOptions(kubernetes ?? throw new InvalidOperationException("KubernetesClient did not hand out its JSON options"))
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            PropertyNameCaseInsensitive = false,
        };
        options.Converters.Insert(0, new BooleanFromString());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A boolean, written as one or as YAML's core-schema <c>true</c> or <c>false</c> (YamlDotNet reads other forms, so they fail here).</summary>
    private sealed class BooleanFromString : JsonConverter<bool>
    {
        public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.String when reader.GetString() is "true" or "True" or "TRUE" => true,
            JsonTokenType.String when reader.GetString() is "false" or "False" or "FALSE" => false,
            _ => throw new JsonException($"not a boolean: {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
    }
}

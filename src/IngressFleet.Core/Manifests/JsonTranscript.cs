using System.Buffers;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IngressFleet.Core.Manifests;

/// <summary>
/// One document's YAML events written down as JSON while the file is scanned, so that its typed object is read by
/// System.Text.Json instead of by YamlDotNet's typed deserialiser: at 10,000 Ingresses that deserialiser took 1.6 s
/// on a cold process (0.85 s warm) against 0.13 s, and KubernetesClient serialises every call to it behind one lock.
/// Only the plain case is written: a node with an anchor, alias or tag, a <c>&lt;&lt;</c> anywhere (YamlDotNet's
/// merging parser reads it as a merge key), a key that is not a scalar or is repeated in one mapping, an empty or
/// null value (KubernetesClient's YAML converters give some types a value there), a number with a leading zero
/// (YamlDotNet reads octal), a timestamp not in UTC (YamlDotNet keeps its kind), or more events than YamlDotNet's
/// merging parser takes abandons the transcript, and the caller reads the document with YamlDotNet as before.
/// Every scalar is written as a JSON string holding its text as written, and <see cref="TranscriptReader"/> reads
/// numbers and booleans from strings, so a string field keeps exactly the text YAML gave it and the types come
/// from the model, as with YamlDotNet.
/// </summary>
internal sealed class JsonTranscript : IDisposable
{
    /// <summary>The most events YamlDotNet's merging parser reads in one document.</summary>
    private const int MaxEvents = 100_000;

    /// <summary>The timestamp fields of the kinds read (object metadata, conditions, managed fields).</summary>
    private static readonly HashSet<string> TimestampKeys = new(StringComparer.Ordinal)
    {
        "creationTimestamp", "deletionTimestamp", "lastTransitionTime", "lastUpdateTime", "lastProbeTime", "lastHeartbeatTime", "time",
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    // Per open container: a mapping (with the keys seen so far) or a sequence; and whether a mapping awaits a key.
    private readonly List<HashSet<string>?> _open = [];
    private readonly Stack<HashSet<string>> _spareKeySets = new();
    private bool _awaitingKey;
    private string? _key;
    private int _events;

    public JsonTranscript()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = false, MaxDepth = 256 });
    }

    /// <summary>True once the document holds something only YamlDotNet reads as it means.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Starts the next document.</summary>
    public void Begin()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        foreach (var keys in _open)
        {
            Recycle(keys);
        }

        _open.Clear();
        _awaitingKey = false;
        _key = null;
        _events = 0;
        Abandoned = false;
    }

    /// <summary>The document as JSON, or null when abandoned.</summary>
    public byte[]? End()
    {
        if (Abandoned || _open.Count != 0)
        {
            return null;
        }

        _writer.Flush();
        return _writer.BytesCommitted == 0 ? null : _buffer.WrittenSpan.ToArray();
    }

    public void Add(ParsingEvent e)
    {
        if (Abandoned)
        {
            return;
        }

        if (++_events > MaxEvents)
        {
            Abandoned = true;
            return;
        }

        try
        {
            Write(e);
        }
        catch (Exception x) when (x is ArgumentException or InvalidOperationException)
        {
            // Text the writer refuses (an unpaired surrogate), or a shape JSON cannot hold: YamlDotNet decides.
            Abandoned = true;
        }
    }

    private void Write(ParsingEvent e)
    {
        switch (e)
        {
            case AnchorAlias:
            case NodeEvent node when !node.Anchor.IsEmpty || !node.Tag.IsEmpty:
                Abandoned = true;
                break;
            case MappingStart or SequenceStart when _awaitingKey:
                Abandoned = true; // a complex key
                break;
            case MappingStart:
                _writer.WriteStartObject();
                _open.Add(_spareKeySets.TryPop(out var keys) ? keys : new HashSet<string>(StringComparer.Ordinal));
                _awaitingKey = true;
                break;
            case SequenceStart:
                _writer.WriteStartArray();
                _open.Add(null);
                break;
            case MappingEnd:
                _writer.WriteEndObject();
                Close();
                break;
            case SequenceEnd:
                _writer.WriteEndArray();
                Close();
                break;
            case Scalar { Value: "<<" }:
                Abandoned = true;
                break;
            case Scalar key when _awaitingKey:
                if (!_open[^1]!.Add(key.Value))
                {
                    Abandoned = true; // a key given twice
                    return;
                }

                _writer.WritePropertyName(key.Value);
                (_key, _awaitingKey) = (key.Value, false);
                break;
            case Scalar value:
                if (!IsTranscribable(value))
                {
                    Abandoned = true;
                    return;
                }

                _writer.WriteStringValue(value.Value);
                ValueWritten();
                break;
        }
    }

    private void Close()
    {
        Recycle(_open[^1]);
        _open.RemoveAt(_open.Count - 1);
        ValueWritten();
    }

    /// <summary>A value ended: a mapping around it awaits its next key.</summary>
    private void ValueWritten() => _awaitingKey = _open.Count > 0 && _open[^1] is not null;

    private void Recycle(HashSet<string>? keys)
    {
        if (keys is not null)
        {
            keys.Clear();
            _spareKeySets.Push(keys);
        }
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// A value both readers take alike: not empty and no YAML null (where KubernetesClient's YAML converters give an
    /// IntOrString or a byte array a value of their own), no number with a leading zero, no timestamp outside UTC.
    /// </summary>
    private bool IsTranscribable(Scalar value)
    {
        var text = value.Value;
        if (text.Length == 0 || value.Style == ScalarStyle.Plain && text is "~" or "null" or "Null" or "NULL")
        {
            return false;
        }

        var digits = text[0] is '-' or '+' ? text.AsSpan(1) : text.AsSpan();
        if (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]))
        {
            return false;
        }

        return _key is null || !TimestampKeys.Contains(_key) || text.EndsWith('Z');
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.Fixtures;

/// <summary>A span as exported over OTLP, with the <c>service.instance.id</c> of the process that exported it.</summary>
public sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    int Kind,
    string Scope,
    string? ServiceInstance,
    IReadOnlyDictionary<string, object> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>A log record as exported over OTLP.</summary>
public sealed record OtlpLogRecord(string? TraceId, string? SpanId, string Body, string? Category);

/// <summary>
/// An OTLP/HTTP receiver (protobuf, <c>/v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c>) on a loopback
/// port, decoding just the fields the tests read with a small reader of the protobuf wire format.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<OtlpLogRecord> Logs { get; } = new();

    public int MetricExports => _metricExports;

    public Uri Endpoint { get; private set; } = null!;

    private int _metricExports;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var app = LoopbackApp.Create();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async context => receiver.ReadSpans(await BodyAsync(context)));
        app.MapPost("/v1/logs", async context => receiver.ReadLogs(await BodyAsync(context)));
        app.MapPost("/v1/metrics", async context =>
        {
            await BodyAsync(context);
            Interlocked.Increment(ref receiver._metricExports);
        });
        receiver.Endpoint = await LoopbackApp.StartAsync(app);
        return receiver;
    }

    /// <summary>The arguments that point an IngressFleet host at this receiver and trace everything.</summary>
    public string[] HostArgs => ["--otlp-endpoint", Endpoint.ToString(), "--otlp-protocol", "HttpProtobuf", "--trace-sample-ratio", "1"];

    /// <summary>Export every 100 ms instead of every 5 s, so tests wait less.</summary>
    public static IReadOnlyDictionary<string, string> FastExport { get; } = new Dictionary<string, string>
    {
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
    };

    public IEnumerable<OtlpSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<byte[]> BodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        context.Response.ContentType = "application/x-protobuf";
        return buffer.ToArray();
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 1: Resource { 1: KeyValue }, 2: ScopeSpans { 1: scope { 1: name }, 2: Span } } }
    private void ReadSpans(byte[] body)
    {
        foreach (var resourceSpans in Proto.Fields(body).Where(f => f.Number == 1))
        {
            var fields = Proto.Fields(resourceSpans.Bytes).ToList();
            var resource = fields.Where(f => f.Number == 1).Select(f => Proto.Attributes(f.Bytes, 1)).FirstOrDefault() ?? [];
            var instance = resource.TryGetValue("service.instance.id", out var id) ? id as string : null;
            foreach (var scopeSpans in fields.Where(f => f.Number == 2))
            {
                var scopeFields = Proto.Fields(scopeSpans.Bytes).ToList();
                var scope = scopeFields.Where(f => f.Number == 1).SelectMany(f => Proto.Fields(f.Bytes)).FirstOrDefault(f => f.Number == 1)?.Text ?? string.Empty;
                foreach (var span in scopeFields.Where(f => f.Number == 2))
                {
                    var s = Proto.Fields(span.Bytes).ToList();
                    var parent = s.FirstOrDefault(f => f.Number == 4)?.Hex;
                    Spans.Enqueue(new OtlpSpan(
                        s.First(f => f.Number == 1).Hex,
                        s.First(f => f.Number == 2).Hex,
                        string.IsNullOrEmpty(parent) ? null : parent,
                        s.FirstOrDefault(f => f.Number == 5)?.Text ?? string.Empty,
                        (int)(s.FirstOrDefault(f => f.Number == 6)?.Varint ?? 0),
                        scope,
                        instance,
                        Proto.Attributes(span.Bytes, 9)));
                }
            }
        }
    }

    // ExportLogsServiceRequest { 1: ResourceLogs { 2: ScopeLogs { 1: scope, 2: LogRecord { 5: body, 9: trace_id, 10: span_id } } } }
    private void ReadLogs(byte[] body)
    {
        foreach (var resourceLogs in Proto.Fields(body).Where(f => f.Number == 1))
        {
            foreach (var scopeLogs in Proto.Fields(resourceLogs.Bytes).Where(f => f.Number == 2))
            {
                var scopeFields = Proto.Fields(scopeLogs.Bytes).ToList();
                var scope = scopeFields.Where(f => f.Number == 1).SelectMany(f => Proto.Fields(f.Bytes)).FirstOrDefault(f => f.Number == 1)?.Text;
                foreach (var record in scopeFields.Where(f => f.Number == 2))
                {
                    var r = Proto.Fields(record.Bytes).ToList();
                    var bodyText = r.Where(f => f.Number == 5).Select(f => Proto.Value(f.Bytes) as string).FirstOrDefault() ?? string.Empty;
                    Logs.Enqueue(new OtlpLogRecord(r.FirstOrDefault(f => f.Number == 9)?.Hex, r.FirstOrDefault(f => f.Number == 10)?.Hex, bodyText, scope));
                }
            }
        }
    }

    /// <summary>The protobuf wire format: varints, fixed 32/64-bit values and length-delimited fields.</summary>
    private static class Proto
    {
        public static IEnumerable<Field> Fields(byte[] data)
        {
            var position = 0;
            while (position < data.Length)
            {
                var key = ReadVarint(data, ref position);
                var number = (int)(key >> 3);
                switch ((int)(key & 7))
                {
                    case 0:
                        yield return new Field(number, ReadVarint(data, ref position), []);
                        break;
                    case 1:
                        yield return new Field(number, BitConverter.ToUInt64(data, position), []);
                        position += 8;
                        break;
                    case 2:
                        var length = (int)ReadVarint(data, ref position);
                        yield return new Field(number, 0, data[position..(position + length)]);
                        position += length;
                        break;
                    case 5:
                        yield return new Field(number, BitConverter.ToUInt32(data, position), []);
                        position += 4;
                        break;
                    default:
                        throw new InvalidDataException($"unsupported protobuf wire type in key {key}");
                }
            }
        }

        /// <summary>The repeated KeyValue field <paramref name="number"/> of a message: { 1: key, 2: AnyValue }.</summary>
        public static Dictionary<string, object> Attributes(byte[] message, int number)
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var kv in Fields(message).Where(f => f.Number == number))
            {
                var fields = Fields(kv.Bytes).ToList();
                var key = fields.First(f => f.Number == 1).Text;
                var value = fields.FirstOrDefault(f => f.Number == 2) is { } v ? Value(v.Bytes) : null;
                if (value is not null)
                {
                    result[key] = value;
                }
            }

            return result;
        }

        /// <summary>AnyValue { 1: string, 2: bool, 3: int64, 4: double }.</summary>
        public static object? Value(byte[] anyValue) => Fields(anyValue).FirstOrDefault() switch
        {
            { Number: 1 } f => f.Text,
            { Number: 2 } f => f.Varint != 0,
            { Number: 3 } f => (long)f.Varint,
            { Number: 4 } f => BitConverter.UInt64BitsToDouble(f.Varint),
            _ => null,
        };

        private static ulong ReadVarint(byte[] data, ref int position)
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[position++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }
        }

        public sealed record Field(int Number, ulong Varint, byte[] Bytes)
        {
            public string Text => System.Text.Encoding.UTF8.GetString(Bytes);

            public string Hex => Convert.ToHexStringLower(Bytes);
        }
    }
}

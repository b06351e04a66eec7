using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using IngressFleet.Core.Logging;
using Microsoft.Extensions.Options;

namespace IngressFleet.DataPlane.Telemetry;

/// <summary>
/// The access log: JSON lines on stdout or appended to a file. Requests only enqueue an entry; one background
/// loop formats and writes them in batches. When the writer falls behind by <see cref="Capacity"/> entries,
/// new entries are dropped and counted rather than slowing requests down.
/// </summary>
internal sealed partial class AccessLog : BackgroundService
{
    public const int Capacity = 65_536;

    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText ClientName = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText HostName = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText MethodName = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path");
    private static readonly JsonEncodedText ProtocolName = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText StatusName = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText BytesName = JsonEncodedText.Encode("bytes");
    private static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration_ms");
    private static readonly JsonEncodedText RouteName = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText BackendName = JsonEncodedText.Encode("backend");
    private static readonly JsonEncodedText UpstreamName = JsonEncodedText.Encode("upstream");
    private static readonly JsonEncodedText UpstreamErrorName = JsonEncodedText.Encode("upstream_error");
    private static readonly JsonEncodedText TraceIdName = JsonEncodedText.Encode("trace_id");
    private static readonly JsonEncodedText UserAgentName = JsonEncodedText.Encode("user_agent");
    private static readonly JsonEncodedText RequestIdName = JsonEncodedText.Encode("request_id");

    private readonly Channel<AccessLogEntry> _entries;
    private readonly string _target;
    private readonly ILogger<AccessLog> _logger;
    private long _dropped;

    public AccessLog(IOptions<AccessLogOptions> options, ILogger<AccessLog> logger)
    {
        _target = options.Value.AccessLog;
        _logger = logger;
        Enabled = !string.Equals(_target, "off", StringComparison.OrdinalIgnoreCase);
        _entries = Channel.CreateBounded<AccessLogEntry>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _dropped));
    }

    public bool Enabled { get; }

    /// <summary>Entries dropped because the writer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(in AccessLogEntry entry) => _entries.Writer.TryWrite(entry);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        await using var output = string.Equals(_target, "stdout", StringComparison.OrdinalIgnoreCase)
            ? Console.OpenStandardOutput()
            : new FileStream(_target, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        var reader = _entries.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(reader, buffer, json, output);
            }
        }
        catch (OperationCanceledException)
        {
            // Write what requests finished before the stop.
            await DrainAsync(reader, buffer, json, output);
        }
    }

    private async Task DrainAsync(ChannelReader<AccessLogEntry> reader, ArrayBufferWriter<byte> buffer, Utf8JsonWriter json, Stream output)
    {
        try
        {
            while (reader.TryRead(out var entry))
            {
                Write(json, entry);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
                if (buffer.WrittenCount >= 60 * 1024)
                {
                    await output.WriteAsync(buffer.WrittenMemory);
                    buffer.ResetWrittenCount();
                }
            }

            if (buffer.WrittenCount > 0)
            {
                await output.WriteAsync(buffer.WrittenMemory);
                await output.FlushAsync();
                buffer.ResetWrittenCount();
            }
        }
        catch (IOException e)
        {
            // A full disk or a closed pipe loses log lines, never requests.
            buffer.ResetWrittenCount();
            Log.WriteFailed(_logger, _target, e);
        }
    }

    private static void Write(Utf8JsonWriter json, in AccessLogEntry e)
    {
        json.WriteStartObject();
        json.WriteString(TimeName, e.Time);
        json.WriteString(ClientName, e.Client?.ToString());
        json.WriteString(HostName, e.Host);
        json.WriteString(MethodName, e.Method);
        json.WriteString(PathName, e.Path);
        json.WriteString(ProtocolName, e.Protocol);
        json.WriteNumber(StatusName, e.Status);
        json.WriteNumber(BytesName, e.Bytes);
        json.WriteNumber(DurationName, Math.Round(e.DurationMs, 3));
        WriteOptional(json, RouteName, e.Route);
        WriteOptional(json, BackendName, e.Backend);
        WriteOptional(json, UpstreamName, e.Upstream);
        WriteOptional(json, UpstreamErrorName, e.UpstreamError);
        if (e.TraceId != default)
        {
            json.WriteString(TraceIdName, e.TraceId.ToHexString());
        }

        WriteOptional(json, UserAgentName, e.UserAgent);
        WriteOptional(json, RequestIdName, e.RequestId);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.AccessLogWriteFailed, LogLevel.Warning, "Could not write the access log to {Target}")]
        public static partial void WriteFailed(ILogger logger, string target, Exception exception);
    }
}

using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Host.Telemetry;

/// <summary>Traces, metrics and logs: where they are exported and how much is traced.</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// Where traces, metrics and logs are exported over OTLP (for example <c>http://otel-collector:4317</c>).
    /// Export is off when neither this nor the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP transport: <c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318). Default Grpc.</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>
    /// The share of requests and config changes that start a trace here (0 to 1). A request that arrives
    /// with a <c>traceparent</c> follows its caller's decision instead. Default 0.01.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 0.01;

    /// <summary>The format of the application log on stderr: <c>Simple</c> (one line per entry) or <c>Json</c>.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Simple;
}

namespace IngressFleet.Host.Telemetry;

/// <summary>The OTLP exporter's transport.</summary>
public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}

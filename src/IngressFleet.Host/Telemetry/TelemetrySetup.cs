using IngressFleet.Core.Telemetry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IngressFleet.Host.Telemetry;

/// <summary>
/// Logs, metrics and traces of one process. Metrics are always collected for the Prometheus endpoint;
/// traces and the OTLP export of all three signals exist only when an OTLP endpoint is configured, so an
/// untraced fleet pays nothing for tracing.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>The meters exported: ours, connections (Kestrel), upstream connections and requests (HttpClient), the runtime and Orleans.</summary>
    public static readonly string[] Meters =
    [
        FleetTelemetry.Name,
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
        "Microsoft.Orleans",
    ];

    public static void Configure(WebApplicationBuilder builder, TelemetryOptions options, string instance)
    {
        ConfigureLogging(builder.Logging, options.LogFormat);

        var services = builder.Services;

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ingressfleet", serviceInstanceId: instance))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        if (OtlpEndpoint(options) is not { } endpoint)
        {
            return;
        }

        otel.WithTracing(tracing => tracing
                .SetSampler(new FleetSampler(options.TraceSampleRatio))
                .AddSource(Tracing.Sources))
            .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeScopes = true)
            .UseOtlpExporter(
                options.OtlpProtocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                endpoint);
    }

    /// <summary>The configured endpoint, else the standard environment variable's, else none.</summary>
    private static Uri? OtlpEndpoint(TelemetryOptions options) =>
        options.OtlpEndpoint
        ?? (Uri.TryCreate(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"), UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : null);

    /// <summary>
    /// The application log goes to stderr (stdout belongs to the access log, as with nginx), each entry with
    /// the trace and span ids of the request or config change it belongs to.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, LogFormat format)
    {
        logging.ClearProviders();
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
    }
}

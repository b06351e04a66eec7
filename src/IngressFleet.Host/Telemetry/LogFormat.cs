namespace IngressFleet.Host.Telemetry;

/// <summary>How the application log is written.</summary>
public enum LogFormat
{
    Simple,
    Json,
}

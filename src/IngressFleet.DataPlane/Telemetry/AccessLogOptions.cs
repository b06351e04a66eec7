using System.ComponentModel.DataAnnotations;

namespace IngressFleet.DataPlane.Telemetry;

/// <summary>Where the access log goes.</summary>
public sealed class AccessLogOptions
{
    /// <summary>The access log: <c>stdout</c> (default), <c>off</c>, or a file path to append to.</summary>
    [Required]
    public string AccessLog { get; set; } = "stdout";
}

using System.ComponentModel.DataAnnotations;
using System.Net;

namespace IngressFleet.Host.Admin;

/// <summary>Where the admin API (health probes, JSON views, metrics) listens.</summary>
public sealed class AdminOptions : IValidatableObject
{
    /// <summary>The admin API's port. Default 9090.</summary>
    [Range(1, 65535)]
    public int AdminPort { get; set; } = 9090;

    /// <summary>The admin API's address. Default loopback only: it lists the whole config.</summary>
    public string AdminAddress { get; set; } = "127.0.0.1";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdminAddress, out _))
        {
            yield return new ValidationResult($"AdminAddress \"{AdminAddress}\" is not an IP address", [nameof(AdminAddress)]);
        }
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;

namespace IngressFleet.Core.AddressPolicy;

/// <summary>Which addresses backends may have (see <see cref="BackendAddressPolicy"/>).</summary>
public sealed class BackendAddressOptions : IValidatableObject
{
    /// <summary>Loopback backends: <c>Auto</c> (default) allows them with the manifest folder and refuses them with the Kubernetes source.</summary>
    public LoopbackBackends BackendLoopback { get; set; } = LoopbackBackends.Auto;

    /// <summary>Comma-separated CIDRs refused besides the built-in ones, e.g. a node network backends must never reach.</summary>
    public string? RefusedBackendNetworks { get; set; }

    /// <summary>Comma-separated CIDRs allowed although refused by default (link-local, loopback); the silo's own ports stay refused.</summary>
    public string? AllowedBackendNetworks { get; set; }

    public IReadOnlyList<IPNetwork> Refused => Networks(RefusedBackendNetworks);

    public IReadOnlyList<IPNetwork> Allowed => Networks(AllowedBackendNetworks);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(RefusedBackendNetworks), RefusedBackendNetworks), (nameof(AllowedBackendNetworks), AllowedBackendNetworks) })
        {
            foreach (var entry in CidrList.Invalid(value))
            {
                yield return new ValidationResult($"{name}: \"{entry}\" is not a CIDR such as 10.0.0.0/8 or fd00::/8", [name]);
            }
        }
    }

    private static IReadOnlyList<IPNetwork> Networks(string? value) => CidrList.Parse(value);
}

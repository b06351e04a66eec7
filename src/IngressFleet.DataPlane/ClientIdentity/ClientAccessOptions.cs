using System.ComponentModel.DataAnnotations;
using IngressFleet.Core.AddressPolicy;

namespace IngressFleet.DataPlane.ClientIdentity;

/// <summary>Who the client is behind a load balancer, and which clients every Ingress admits by default.</summary>
public sealed class ClientAccessOptions : IValidatableObject
{
    /// <summary>
    /// Comma-separated CIDRs of proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c>, <c>-Host</c> and <c>-Port</c>
    /// are honoured (ingress-nginx's <c>use-forwarded-headers</c> with <c>proxy-real-ip-cidr</c>). Default none:
    /// this proxy is the edge and those headers are replaced.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>Append the client to a trusted proxy's <c>X-Forwarded-For</c> instead of replacing it (ingress-nginx's <c>compute-full-forwarded-for</c>). Default false.</summary>
    public bool ComputeFullForwardedFor { get; set; }

    /// <summary>Every connection to the HTTP and HTTPS ports starts with a PROXY protocol v1 or v2 header, whose source is the client; one without is closed. Default false.</summary>
    public bool ProxyProtocol { get; set; }

    /// <summary>How long a connection may take to send its PROXY protocol header. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ProxyProtocolTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Comma-separated CIDRs every Ingress admits unless it sets its own allow list (ingress-nginx's global <c>whitelist-source-range</c>). Default: all.</summary>
    public string? DefaultAllowSourceRanges { get; set; }

    /// <summary>Comma-separated CIDRs every Ingress refuses unless it sets its own deny list (ingress-nginx's global <c>denylist-source-range</c>). Default: none.</summary>
    public string? DefaultDenySourceRanges { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(TrustedProxies), TrustedProxies), (nameof(DefaultAllowSourceRanges), DefaultAllowSourceRanges), (nameof(DefaultDenySourceRanges), DefaultDenySourceRanges),
        })
        {
            foreach (var entry in CidrList.Invalid(value))
            {
                yield return new ValidationResult($"{name}: \"{entry}\" is not a CIDR or address such as 10.0.0.0/8 or 2001:db8::1", [name]);
            }
        }
    }
}

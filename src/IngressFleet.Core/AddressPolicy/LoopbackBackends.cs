namespace IngressFleet.Core.AddressPolicy;

/// <summary>Whether backends may be on a loopback address.</summary>
public enum LoopbackBackends
{
    /// <summary>Allowed with the manifest folder (local use), refused with the Kubernetes source, where loopback is the controller's own pod.</summary>
    Auto,

    Allow,

    Refuse,
}

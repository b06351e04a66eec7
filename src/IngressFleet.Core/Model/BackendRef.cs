namespace IngressFleet.Core.Model;

/// <summary>
/// A Service port named by an Ingress backend: by number, or by name when <see cref="PortNumber"/> is 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.BackendRef")]
public sealed record BackendRef(string Namespace, string Service, int PortNumber, string? PortName)
{
    /// <summary>The key of this backend everywhere: <c>namespace/service:port</c>.</summary>
    public string Key => PortNumber > 0
        ? $"{Namespace}/{Service}:{PortNumber}"
        : $"{Namespace}/{Service}:{PortName}";

    public override string ToString() => Key;
}

namespace IngressFleet.Core.Model;

/// <summary>One ready endpoint of a backend: an address (IP or DNS name) and a port.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.Destination")]
public sealed record Destination(string Address, int Port)
{
    /// <summary>The URI prefix a forwarder sends to, IPv6 addresses bracketed.</summary>
    public string ToUriPrefix(string scheme) =>
        Address.Contains(':', StringComparison.Ordinal) ? $"{scheme}://[{Address}]:{Port}" : $"{scheme}://{Address}:{Port}";

    public override string ToString() => Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

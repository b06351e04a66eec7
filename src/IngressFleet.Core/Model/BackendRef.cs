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

    /// <summary>
    /// Reads <c>service[:port]</c> (a port number or name; 80 when none is given, as a Service's usual HTTP port)
    /// in <paramref name="ns"/>. Null with <paramref name="error"/> when the port number is out of range.
    /// </summary>
    public static BackendRef? FromServicePort(string ns, string value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var service = colon < 0 ? value : value[..colon];
        var port = colon < 0 ? "80" : value[(colon + 1)..];
        error = null;
        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return new BackendRef(ns, service, 0, port);
        }

        if (number is >= 1 and <= 65535)
        {
            return new BackendRef(ns, service, number, null);
        }

        error = "the port must be between 1 and 65535";
        return null;
    }
}

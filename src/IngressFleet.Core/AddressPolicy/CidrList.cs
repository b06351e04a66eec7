using System.Net;
using System.Net.Sockets;

namespace IngressFleet.Core.AddressPolicy;

/// <summary>
/// Comma-separated networks as ingress-nginx and Kubernetes users write them: <c>10.0.0.0/8</c>, a bare
/// address (<c>192.0.2.7</c>, one host), IPv6 alike. Host bits below the prefix are dropped, as nginx's
/// <c>allow</c> does. IPv4-mapped IPv6 addresses match their IPv4 networks.
/// </summary>
public static class CidrList
{
    /// <summary>The entries of a comma-separated list, trimmed, empty ones dropped.</summary>
    public static string[] Split(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The valid entries of <paramref name="value"/> as networks; see <see cref="Invalid"/> for the others.</summary>
    public static IReadOnlyList<IPNetwork> Parse(string? value) =>
        [.. Split(value).Select(e => TryParse(e, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    /// <summary>The entries of <paramref name="value"/> that are not networks.</summary>
    public static IEnumerable<string> Invalid(string? value) => Split(value).Where(e => !TryParse(e, out _));

    public static bool TryParse(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        network = new IPNetwork(new IPAddress(bytes), prefix);
        return true;
    }

    /// <summary>Whether any of <paramref name="networks"/> holds <paramref name="address"/>.</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(address);
        var normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(normal))
            {
                return true;
            }
        }

        return false;
    }
}

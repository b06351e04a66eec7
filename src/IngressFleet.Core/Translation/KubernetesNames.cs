using System.Net;
using System.Text.RegularExpressions;

namespace IngressFleet.Core.Translation;

/// <summary>The name formats the Kubernetes API server validates, checked the same way here.</summary>
public static partial class KubernetesNames
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex IanaServiceNameChars();

    public static bool IsDns1123Subdomain(string value) =>
        value.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(value) && value.Split('.').All(l => l.Length <= 63);

    public static bool IsDns1035Label(string value) => value.Length is > 0 and <= 63 && Dns1035Label().IsMatch(value);

    /// <summary>A named port: at most 15 characters, at least one letter, no double hyphen.</summary>
    public static bool IsServicePortName(string value) =>
        value.Length is > 0 and <= 15
        && IanaServiceNameChars().IsMatch(value)
        && !value.Contains("--", StringComparison.Ordinal)
        && value.Any(char.IsAsciiLetter);

    /// <summary>Why a rule host is invalid, or null when it is a valid (possibly wildcard) DNS name.</summary>
    public static string? ValidateHost(string host)
    {
        if (IPAddress.TryParse(host, out _))
        {
            return "must be a DNS name, not an IP address";
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            return "a wildcard '*' is only allowed as the whole first DNS label, e.g. '*.example.com'";
        }

        return IsDns1123Subdomain(name)
            ? null
            : "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
    }
}

using System.Text.RegularExpressions;
using IngressFleet.Model;

namespace IngressFleet.Translation;

/// <summary>
/// The annotations that set <see cref="IngressOptions"/>. Ours are under <c>ingressfleet.io/</c>; the
/// ingress-nginx spelling is read where the meaning is the same, ours winning when both are set. A value
/// that cannot be read rejects the Ingress, naming the annotation, rather than being silently ignored.
/// </summary>
public static partial class IngressAnnotations
{
    public const string SslRedirect = "ingressfleet.io/ssl-redirect";
    public const string NginxSslRedirect = "nginx.ingress.kubernetes.io/ssl-redirect";
    public const string Hsts = "ingressfleet.io/hsts";
    public const string BackendProtocol = "ingressfleet.io/backend-protocol";
    public const string NginxBackendProtocol = "nginx.ingress.kubernetes.io/backend-protocol";

    public static IngressOptions Read(IDictionary<string, string>? annotations, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (annotations is null || annotations.Count == 0)
        {
            return IngressOptions.Default;
        }

        var redirect = IngressOptions.Default.SslRedirect;
        if (First(annotations, SslRedirect, NginxSslRedirect) is var (redirectKey, redirectValue))
        {
            if (bool.TryParse(redirectValue, out var parsed))
            {
                redirect = parsed;
            }
            else
            {
                errors.Add($"metadata.annotations[{redirectKey}]: invalid value \"{redirectValue}\": must be \"true\" or \"false\"");
            }
        }

        string? hsts = null;
        if (annotations.TryGetValue(Hsts, out var hstsValue) && !string.IsNullOrWhiteSpace(hstsValue))
        {
            hsts = hstsValue.Trim();
            if (!HstsValue().IsMatch(hsts))
            {
                errors.Add($"metadata.annotations[{Hsts}]: invalid value \"{hstsValue}\": must be a Strict-Transport-Security value such as \"max-age=31536000; includeSubDomains\"");
            }
        }

        var protocol = IngressOptions.Default.BackendProtocol;
        if (First(annotations, BackendProtocol, NginxBackendProtocol) is var (protocolKey, protocolValue))
        {
            if (Enum.TryParse<BackendProtocol>(protocolValue, ignoreCase: true, out var parsed) && parsed != Model.BackendProtocol.Auto && !int.TryParse(protocolValue, out _))
            {
                protocol = parsed;
            }
            else
            {
                errors.Add($"metadata.annotations[{protocolKey}]: invalid value \"{protocolValue}\": supported values: \"HTTP\", \"HTTPS\", \"H2C\", \"GRPC\", \"GRPCS\"");
            }
        }

        return new IngressOptions(redirect, hsts, protocol);
    }

    private static (string Key, string Value)? First(IDictionary<string, string> annotations, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (annotations.TryGetValue(key, out var value))
            {
                return (key, value.Trim());
            }
        }

        return null;
    }

    [GeneratedRegex(@"^max-age=\d{1,10}(\s*;\s*(includeSubDomains|preload))*\s*;?$", RegexOptions.IgnoreCase)]
    private static partial Regex HstsValue();
}

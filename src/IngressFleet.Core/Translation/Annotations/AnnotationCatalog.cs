using System.Collections.Frozen;

namespace IngressFleet.Core.Translation.Annotations;

/// <summary>
/// What IngressFleet does with each annotation under <c>ingressfleet.io/</c> and
/// <c>nginx.ingress.kubernetes.io/</c>: implemented ones are read; access-control ones it does not implement
/// reject the Ingress (serving it would serve open what its author protected); snippets are refused for good
/// (configuration text is never executed); every other one is a warning, listed with the Ingress.
/// Annotations under other prefixes belong to other tools and are not looked at.
/// </summary>
public static class AnnotationCatalog
{
    public const string OurPrefix = "ingressfleet.io/";
    public const string NginxPrefix = "nginx.ingress.kubernetes.io/";

    /// <summary>Access control by name, under either prefix: source ranges, authentication, and the rule joining them.</summary>
    public static FrozenSet<string> AccessControl { get; } = new[]
    {
        "whitelist-source-range", "allowlist-source-range", "denylist-source-range", "satisfy",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Protection switched on by a value: a web application firewall.</summary>
    public static FrozenDictionary<string, string> ProtectionWhenOn { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["enable-modsecurity"] = "a web application firewall",
        ["enable-owasp-core-rules"] = "a web application firewall",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Sorts the annotations <paramref name="implemented"/> does not contain: errors for those that must not be
    /// ignored, warnings for the rest.
    /// </summary>
    /// <returns>True when the object must fail closed: not served at all, not even its last valid version.</returns>
    public static bool Check(IDictionary<string, string>? annotations, FrozenSet<string> implemented, List<string> errors, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(implemented);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(warnings);
        var failClosed = false;
        foreach (var (key, value) in (annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var name = key.StartsWith(OurPrefix, StringComparison.Ordinal) ? key[OurPrefix.Length..]
                : key.StartsWith(NginxPrefix, StringComparison.Ordinal) ? key[NginxPrefix.Length..]
                : null;
            if (name is null || implemented.Contains(key))
            {
                continue;
            }

            var field = $"metadata.annotations[{AnnotationReader.Quote(key)[1..^1]}]";
            var before = errors.Count;
            if (name.EndsWith("snippet", StringComparison.Ordinal))
            {
                errors.Add($"{field}: configuration snippets are never executed; the Ingress is not served while it carries one");
            }
            else if (AccessControl.Contains(name) || name.StartsWith("auth-", StringComparison.Ordinal))
            {
                errors.Add($"{field}: access control that IngressFleet does not implement yet; the Ingress is not served rather than served unprotected");
            }
            else if (ProtectionWhenOn.TryGetValue(name, out var protection) && IsOn(value))
            {
                errors.Add($"{field}: asks for {protection}, which IngressFleet does not implement yet; the Ingress is not served rather than served unprotected");
            }
            else
            {
                warnings.Add($"{field}: not implemented by IngressFleet; ignored");
            }

            failClosed |= errors.Count > before;
        }

        return failClosed;
    }

    private static bool IsOn(string? value) =>
        (value ?? string.Empty).Trim().ToUpperInvariant() is not ("" or "FALSE" or "OFF" or "0" or "F" or "NO");
}

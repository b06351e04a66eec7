using IngressFleet.Core.Translation;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Annotation values an attacker with edit rights on one Ingress would try, and every annotation key worth feeding them to.</summary>
internal static class HostileValues
{
    public static IReadOnlyList<string> Values { get; } =
    [
        string.Empty, " ", "-1", "0", "NaN", "Infinity", "-Infinity", "1e309", "99999999999999999999999", "2147483648", "4294967296",
        "0.0000001ms", "0.00000001", "4300000000s", "1\r\n", "max-age=1\r\nX-Injected: 1", "a\0b", "\u0663\u0660", "max-age=\u0661\u0662",
        new string('x', 100_000), "/" + new string('a', 100_000), "http,https", "a,b,c", "$(reboot)", "${jndi:ldap://x}", "{}", "[1,2]",
        "true", "cookie", "header:X-A", "header:" + new string('h', 300), "cookie:a b", "/ok", "/\r\n", "1h", "25h", "10m", "1ms", "HTTPS",
        "max-age=31536000; includeſubDomains",
    ];

    /// <summary>Keys IngressFleet implements, some it does not, and ones that must fail closed.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        .. IngressAnnotations.Keys.Order(StringComparer.Ordinal),
        "ingressfleet.io/no-such-thing", "nginx.ingress.kubernetes.io/proxy-buffer-size", "nginx.ingress.kubernetes.io/auth-keepalive",
        "nginx.ingress.kubernetes.io/auth-tls-match-cn", "nginx.ingress.kubernetes.io/configuration-snippet", "nginx.ingress.kubernetes.io/enable-modsecurity",
    ];
}

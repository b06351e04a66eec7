using System.Text.RegularExpressions;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Translation;

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
    public const string LoadBalance = "ingressfleet.io/load-balance";
    public const string HashBy = "ingressfleet.io/hash-by";
    public const string Affinity = "ingressfleet.io/affinity";
    public const string NginxAffinity = "nginx.ingress.kubernetes.io/affinity";
    public const string AffinityCookieName = "ingressfleet.io/affinity-cookie-name";
    public const string NginxAffinityCookieName = "nginx.ingress.kubernetes.io/session-cookie-name";
    public const string MaxConnections = "ingressfleet.io/max-connections";
    public const string NginxLimitConnections = "nginx.ingress.kubernetes.io/limit-connections";
    public const string MaxQueue = "ingressfleet.io/max-queue";
    public const string QueueTimeout = "ingressfleet.io/max-queue-timeout";
    public const string LimitRps = "ingressfleet.io/limit-rps";
    public const string NginxLimitRps = "nginx.ingress.kubernetes.io/limit-rps";
    public const string LimitBurst = "ingressfleet.io/limit-burst";
    public const string HealthCheckPath = "ingressfleet.io/health-check-path";
    public const string HealthCheckInterval = "ingressfleet.io/health-check-interval";
    public const string HealthCheckTimeout = "ingressfleet.io/health-check-timeout";
    public const string HealthyThreshold = "ingressfleet.io/health-check-healthy-threshold";
    public const string UnhealthyThreshold = "ingressfleet.io/health-check-unhealthy-threshold";
    public const string ServerErrorsAreFailures = "ingressfleet.io/passive-health-server-errors";

    /// <summary>The affinity cookie's name unless an annotation names another.</summary>
    public const string DefaultAffinityCookie = "ingressfleet-affinity";

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

        return new IngressOptions(redirect, hsts, protocol)
        {
            Traffic = ReadTraffic(annotations, errors),
            ConnectionLimit = ReadConnectionLimit(annotations, errors),
            RateLimit = ReadRateLimit(annotations, errors),
            Health = ReadHealth(annotations, errors),
        };
    }

    private static TrafficPolicy ReadTraffic(IDictionary<string, string> annotations, List<string> errors)
    {
        var policy = LoadBalancingPolicy.PowerOfTwoChoices;
        if (First(annotations, LoadBalance) is var (key, value))
        {
            policy = value.ToLowerInvariant() switch
            {
                "round-robin" or "round_robin" => LoadBalancingPolicy.RoundRobin,
                "least-requests" or "least_request" => LoadBalancingPolicy.LeastRequests,
                "power-of-two-choices" or "p2c" => LoadBalancingPolicy.PowerOfTwoChoices,
                "random" => LoadBalancingPolicy.Random,
                "consistent-hash" => LoadBalancingPolicy.ConsistentHash,
                _ => Invalid(errors, key, value, "supported values: \"round-robin\", \"least-requests\", \"power-of-two-choices\", \"random\", \"consistent-hash\"", policy),
            };
        }

        HashKey? hashBy = null;
        if (First(annotations, HashBy) is var (hashKey, hashValue))
        {
            var parts = hashValue.Split(':', 2, StringSplitOptions.TrimEntries);
            hashBy = parts switch
            {
                ["client-address"] => new HashKey(HashSource.ClientAddress, null),
                ["header", { Length: > 0 } header] when TokenName().IsMatch(header) => new HashKey(HashSource.Header, header),
                ["cookie", { Length: > 0 } cookieName] when TokenName().IsMatch(cookieName) => new HashKey(HashSource.Cookie, cookieName),
                _ => Invalid<HashKey?>(errors, hashKey, hashValue, "must be \"header:NAME\", \"cookie:NAME\" or \"client-address\"", null),
            };
            if (hashBy is not null)
            {
                policy = LoadBalancingPolicy.ConsistentHash;
            }
        }
        else if (policy == LoadBalancingPolicy.ConsistentHash)
        {
            errors.Add($"metadata.annotations[{LoadBalance}]: \"consistent-hash\" needs {HashBy}");
        }

        string? cookie = null;
        if (First(annotations, Affinity, NginxAffinity) is var (affinityKey, affinity))
        {
            if (affinity == "cookie")
            {
                cookie = First(annotations, AffinityCookieName, NginxAffinityCookieName)?.Value ?? DefaultAffinityCookie;
                if (!TokenName().IsMatch(cookie))
                {
                    errors.Add($"metadata.annotations[{AffinityCookieName}]: invalid cookie name \"{cookie}\"");
                }
            }
            else if (affinity != "none")
            {
                errors.Add($"metadata.annotations[{affinityKey}]: invalid value \"{affinity}\": supported values: \"cookie\", \"none\"");
            }
        }

        return policy == LoadBalancingPolicy.PowerOfTwoChoices && hashBy is null && cookie is null
            ? TrafficPolicy.Default
            : new TrafficPolicy(policy, hashBy, cookie);
    }

    private static ConnectionLimit? ReadConnectionLimit(IDictionary<string, string> annotations, List<string> errors)
    {
        if (First(annotations, MaxConnections, NginxLimitConnections) is not var (key, value))
        {
            return null;
        }

        var max = PositiveInteger(errors, key, value, 1);
        var queue = First(annotations, MaxQueue) is var (queueKey, queueValue) ? PositiveInteger(errors, queueKey, queueValue, 0) : 100;
        var timeout = First(annotations, QueueTimeout) is var (timeoutKey, timeoutValue) ? Duration(errors, timeoutKey, timeoutValue) : TimeSpan.FromSeconds(5);
        return new ConnectionLimit(max, queue, timeout);
    }

    private static RateLimit? ReadRateLimit(IDictionary<string, string> annotations, List<string> errors)
    {
        if (First(annotations, LimitRps, NginxLimitRps) is not var (key, value))
        {
            return null;
        }

        if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rps) || rps <= 0 || double.IsInfinity(rps))
        {
            errors.Add($"metadata.annotations[{key}]: invalid value \"{value}\": must be a positive number of requests per second");
            return null;
        }

        var burst = First(annotations, LimitBurst) is var (burstKey, burstValue) ? PositiveInteger(errors, burstKey, burstValue, 1) : (int)Math.Ceiling(rps);
        return new RateLimit(rps, burst);
    }

    private static HealthPolicy ReadHealth(IDictionary<string, string> annotations, List<string> errors)
    {
        var serverErrors = true;
        if (First(annotations, ServerErrorsAreFailures) is var (key, value) && !bool.TryParse(value, out serverErrors))
        {
            errors.Add($"metadata.annotations[{key}]: invalid value \"{value}\": must be \"true\" or \"false\"");
            serverErrors = true;
        }

        HealthCheck? active = null;
        if (First(annotations, HealthCheckPath) is var (pathKey, path))
        {
            if (!path.StartsWith('/'))
            {
                errors.Add($"metadata.annotations[{pathKey}]: invalid value \"{path}\": must be an absolute path");
            }

            active = new HealthCheck(
                path,
                First(annotations, HealthCheckInterval) is var (ik, iv) ? Duration(errors, ik, iv) : TimeSpan.FromSeconds(5),
                First(annotations, HealthCheckTimeout) is var (tk, tv) ? Duration(errors, tk, tv) : TimeSpan.FromSeconds(2),
                First(annotations, HealthyThreshold) is var (hk, hv) ? PositiveInteger(errors, hk, hv, 1) : 2,
                First(annotations, UnhealthyThreshold) is var (uk, uv) ? PositiveInteger(errors, uk, uv, 1) : 3);
        }

        return serverErrors && active is null ? HealthPolicy.Default : new HealthPolicy(serverErrors, active);
    }

    private static int PositiveInteger(List<string> errors, string key, string value, int minimum)
    {
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= minimum)
        {
            return n;
        }

        errors.Add($"metadata.annotations[{key}]: invalid value \"{value}\": must be an integer of at least {minimum}");
        return minimum;
    }

    /// <summary>A duration: <c>500ms</c>, <c>5s</c>, <c>1m</c>, or a number of seconds.</summary>
    private static TimeSpan Duration(List<string> errors, string key, string value)
    {
        var match = DurationValue().Match(value);
        if (match.Success && double.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            return match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromSeconds(amount),
            };
        }

        errors.Add($"metadata.annotations[{key}]: invalid value \"{value}\": must be a duration such as \"500ms\", \"5s\" or \"1m\"");
        return TimeSpan.FromSeconds(1);
    }

    private static T Invalid<T>(List<string> errors, string key, string value, string expected, T fallback)
    {
        errors.Add($"metadata.annotations[{key}]: invalid value \"{value}\": {expected}");
        return fallback;
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

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$")]
    private static partial Regex DurationValue();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex TokenName();

    [GeneratedRegex(@"^max-age=\d{1,10}(\s*;\s*(includeSubDomains|preload))*\s*;?$", RegexOptions.IgnoreCase)]
    private static partial Regex HstsValue();
}

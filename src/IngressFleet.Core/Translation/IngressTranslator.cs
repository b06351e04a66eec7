using System.Collections.Immutable;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation.Annotations;
using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>
/// Turns one networking.k8s.io/v1 Ingress into <see cref="IngressRoutes"/>, validating it as the API
/// server does. Pure: the same object always gives the same result, and every error is collected.
/// </summary>
public static class IngressTranslator
{
    private static readonly string[] InvalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidPathSuffixes = ["/..", "/."];

    public static TranslationResult<IngressRoutes> Translate(V1Ingress ingress)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        try
        {
            return TranslateValidated(ingress);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A value no check foresaw rejects this Ingress alone; it never fails the whole translation.
            return TranslationResult.Failed<IngressRoutes>([$"could not be translated ({e.GetType().Name}): {AnnotationReader.Quote(e.Message)}"]);
        }
    }

    private static TranslationResult<IngressRoutes> TranslateValidated(V1Ingress ingress)
    {
        var errors = new List<string>();
        var name = ingress.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("metadata.name: required");
        }
        else if (!KubernetesNames.IsDns1123Subdomain(name))
        {
            // As the API server: an object's name is a DNS subdomain (so no Ingress can take a name the fleet reserves).
            errors.Add($"metadata.name: invalid value {AnnotationReader.Quote(name)}: must be a lowercase RFC 1123 subdomain of at most 253 characters");
        }

        var ns = ClusterObjects.NamespaceOf(ingress.Metadata);
        var spec = ingress.Spec;
        if (spec is null || (spec.DefaultBackend is null && (spec.Rules is null || spec.Rules.Count == 0)))
        {
            errors.Add("spec: either defaultBackend or rules must be specified");
            return TranslationResult.Failed<IngressRoutes>(errors);
        }

        var defaultBackend = spec.DefaultBackend is null ? null : TranslateBackend(spec.DefaultBackend, ns, "spec.defaultBackend", errors);
        var rules = ImmutableArray.CreateBuilder<RouteRule>();
        for (var r = 0; r < (spec.Rules?.Count ?? 0); r++)
        {
            var rule = spec.Rules![r];
            var field = $"spec.rules[{r}]";
            string? host = null;
            if (!string.IsNullOrEmpty(rule.Host))
            {
                host = rule.Host;
                if (KubernetesNames.ValidateHost(host) is { } hostError)
                {
                    errors.Add($"{field}.host: invalid value {AnnotationReader.Quote(host)}: {hostError}");
                }
            }

            var paths = rule.Http?.Paths;
            if (rule.Http is not null && (paths is null || paths.Count == 0))
            {
                errors.Add($"{field}.http.paths: required");
            }

            for (var p = 0; p < (paths?.Count ?? 0); p++)
            {
                var path = paths![p];
                var pathField = $"{field}.http.paths[{p}]";
                var match = TranslatePath(path, pathField, errors, out var pathValue);
                var backend = path.Backend is null
                    ? Missing(errors, $"{pathField}.backend")
                    : TranslateBackend(path.Backend, ns, $"{pathField}.backend", errors);
                if (match is { } m && backend is not null)
                {
                    rules.Add(new RouteRule(host, pathValue, m, backend));
                }
            }
        }

        var tls = TranslateTls(spec.Tls, errors);
        var warnings = new List<string>();
        var failClosed = AnnotationCatalog.Check(ingress.Metadata?.Annotations, IngressAnnotations.Keys, errors, warnings);
        var before = errors.Count;
        var options = IngressAnnotations.Read(ingress.Metadata?.Annotations, errors, ns);
        if (options.UseRegex || options.RewriteTarget is not null)
        {
            ValidateRegexPaths(spec.Rules, errors);
        }

        // An access-control annotation in error: serving the last valid version could serve open what its author now protects.
        failClosed |= errors.Skip(before).Any(IngressAnnotations.IsAccessControlError);
        if (errors.Count > 0)
        {
            return TranslationResult.Failed<IngressRoutes>(errors) with { Warnings = [.. warnings], FailClosed = failClosed };
        }

        var created = ingress.Metadata!.CreationTimestamp is { } t
            ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))
            : DateTimeOffset.MinValue;
        return TranslationResult.Ok(new IngressRoutes(ns, name!, created, rules.ToImmutable(), defaultBackend) { Tls = tls, Options = options }) with { Warnings = [.. warnings] };
    }

    /// <summary>With <c>use-regex</c> or <c>rewrite-target</c> the paths are regular expressions: each must be one.</summary>
    private static void ValidateRegexPaths(IList<V1IngressRule>? rules, List<string> errors)
    {
        for (var r = 0; r < (rules?.Count ?? 0); r++)
        {
            var paths = rules![r].Http?.Paths;
            for (var p = 0; p < (paths?.Count ?? 0); p++)
            {
                if (paths![p].Path is { Length: > 0 } path && Routing.SafeRegex.Problem(path) is { } problem)
                {
                    errors.Add($"spec.rules[{r}].http.paths[{p}].path: invalid value {AnnotationReader.Quote(path)}: not a regular expression ({problem}), as use-regex or rewrite-target requires");
                }
            }
        }
    }

    private static ImmutableArray<TlsBinding> TranslateTls(IList<V1IngressTLS>? entries, List<string> errors)
    {
        var result = ImmutableArray.CreateBuilder<TlsBinding>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var entry = entries![i];
            var field = $"spec.tls[{i}]";
            var hosts = ImmutableArray.CreateBuilder<string>();
            for (var h = 0; h < (entry.Hosts?.Count ?? 0); h++)
            {
                var host = entry.Hosts![h];
                if (KubernetesNames.ValidateHost(host ?? string.Empty) is { } hostError)
                {
                    errors.Add($"{field}.hosts[{h}]: invalid value {AnnotationReader.Quote(host ?? string.Empty)}: {hostError}");
                }
                else
                {
                    hosts.Add(host!.ToLowerInvariant());
                }
            }

            var secret = string.IsNullOrEmpty(entry.SecretName) ? null : entry.SecretName;
            if (secret is not null && !KubernetesNames.IsDns1123Subdomain(secret))
            {
                errors.Add($"{field}.secretName: invalid value {AnnotationReader.Quote(secret)}: must be a DNS-1123 subdomain");
            }

            result.Add(new TlsBinding(hosts.ToImmutable(), secret));
        }

        return result.ToImmutable();
    }

    private static PathMatch? TranslatePath(V1HTTPIngressPath path, string field, List<string> errors, out string value)
    {
        value = path.Path ?? string.Empty;
        if (string.IsNullOrEmpty(path.PathType))
        {
            errors.Add($"{field}.pathType: required: supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
            return null;
        }

        PathMatch? match = path.PathType switch
        {
            "Exact" => PathMatch.Exact,
            "Prefix" or "ImplementationSpecific" => PathMatch.Prefix,
            _ => null,
        };
        if (match is null)
        {
            errors.Add($"{field}.pathType: unsupported value {AnnotationReader.Quote(path.PathType)}: supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
            return null;
        }

        if (value.Length == 0 && path.PathType == "ImplementationSpecific")
        {
            value = "/";
        }

        var before = errors.Count;
        var candidate = value;
        if (!candidate.StartsWith('/'))
        {
            errors.Add($"{field}.path: invalid value {AnnotationReader.Quote(value)}: must be an absolute path starting with '/'");
        }
        else if (path.PathType != "ImplementationSpecific")
        {
            foreach (var sequence in InvalidPathSequences.Where(s => candidate.Contains(s, StringComparison.Ordinal)))
            {
                errors.Add($"{field}.path: invalid value {AnnotationReader.Quote(value)}: must not contain '{sequence}'");
            }

            foreach (var suffix in InvalidPathSuffixes.Where(s => candidate.EndsWith(s, StringComparison.Ordinal)))
            {
                errors.Add($"{field}.path: invalid value {AnnotationReader.Quote(value)}: must not end with '{suffix}'");
            }
        }

        return errors.Count == before ? match : null;
    }

    private static BackendRef? TranslateBackend(V1IngressBackend backend, string ns, string field, List<string> errors)
    {
        if (backend.Service is null && backend.Resource is null)
        {
            errors.Add($"{field}: one of service or resource must be specified");
            return null;
        }

        if (backend.Service is not null && backend.Resource is not null)
        {
            errors.Add($"{field}: service and resource are mutually exclusive");
            return null;
        }

        if (backend.Resource is not null)
        {
            errors.Add($"{field}.resource: resource backends ({backend.Resource.Kind} \"{backend.Resource.Name}\") are not supported by IngressFleet; use a service backend");
            return null;
        }

        var service = backend.Service!;
        var before = errors.Count;
        if (string.IsNullOrEmpty(service.Name))
        {
            errors.Add($"{field}.service.name: required");
        }
        else if (!KubernetesNames.IsDns1035Label(service.Name))
        {
            errors.Add($"{field}.service.name: invalid value {AnnotationReader.Quote(service.Name)}: must be a DNS-1035 label");
        }

        var number = service.Port?.Number ?? 0;
        var portName = service.Port?.Name;
        if (service.Port is null || (number == 0 && string.IsNullOrEmpty(portName)))
        {
            errors.Add($"{field}.service.port: one of name or number must be specified");
        }
        else if (number != 0 && !string.IsNullOrEmpty(portName))
        {
            errors.Add($"{field}.service.port: name and number are mutually exclusive");
        }
        else if (number is < 0 or > 65535)
        {
            errors.Add($"{field}.service.port.number: invalid value {number}: must be between 1 and 65535");
        }
        else if (number == 0 && !KubernetesNames.IsServicePortName(portName!))
        {
            errors.Add($"{field}.service.port.name: invalid value {AnnotationReader.Quote(portName!)}: must be an IANA service name");
        }

        return errors.Count == before ? new BackendRef(ns, service.Name!, number, number == 0 ? portName : null) : null;
    }

    private static BackendRef? Missing(List<string> errors, string field)
    {
        errors.Add($"{field}: required");
        return null;
    }
}

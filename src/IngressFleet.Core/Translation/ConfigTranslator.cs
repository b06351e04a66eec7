using System.Collections.Immutable;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;

namespace IngressFleet.Core.Translation;

/// <summary>
/// The whole translation: Kubernetes objects in, the desired <see cref="RoutingConfig"/> out. Pure and
/// deterministic, so every silo that holds the same objects computes the same config.
/// </summary>
public static class ConfigTranslator
{
    /// <param name="objects">The objects the source holds now.</param>
    /// <param name="filter">Which Ingresses are ours.</param>
    /// <param name="lastGood">The config in force: an Ingress that fails validation keeps its entry from here.</param>
    /// <param name="sourceProblems">Problems the source found before translation (unreadable files, ...).</param>
    /// <param name="cache">Results of earlier translations, reused for the same object instances; optional.</param>
    /// <param name="defaultCertificate">The <c>namespace/name</c> of the Secret with the default certificate, if one is configured.</param>
    /// <param name="time">The clock certificates are checked against; the system clock when null.</param>
    /// <param name="addresses">Which backend addresses are allowed; <see cref="BackendAddressPolicy.Permissive"/> when null.</param>
    /// <returns>The desired config; its version is that of <paramref name="lastGood"/>, the committer sets the next.</returns>
    public static RoutingConfig Translate(
        ClusterObjects objects,
        IngressClassFilter filter,
        RoutingConfig lastGood,
        IEnumerable<ObjectProblem> sourceProblems,
        IngressTranslationCache? cache = null,
        string? defaultCertificate = null,
        TimeProvider? time = null,
        BackendAddressPolicy? addresses = null,
        BackendRef? defaultBackend = null) =>
        TranslateChange(objects, filter, lastGood, sourceProblems, cache, defaultCertificate, time, addresses, defaultBackend).Desired;

    /// <summary>
    /// As <see cref="Translate"/>, with the change that turns <paramref name="lastGood"/> into the desired config
    /// (what <see cref="RoutingConfig.DiffTo"/> would give). Each kind of item is rebuilt on <paramref name="lastGood"/>'s,
    /// so an unchanged object costs a lookup, not a copy, and the change is found without comparing whole configs.
    /// </summary>
    public static (RoutingConfig Desired, ConfigChange Change) TranslateChange(
        ClusterObjects objects,
        IngressClassFilter filter,
        RoutingConfig lastGood,
        IEnumerable<ObjectProblem> sourceProblems,
        IngressTranslationCache? cache = null,
        string? defaultCertificate = null,
        TimeProvider? time = null,
        BackendAddressPolicy? addresses = null,
        BackendRef? defaultBackend = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(lastGood);

        var ingresses = new ItemPass<IngressRoutes>(lastGood.Ingresses);
        var problems = new ItemPass<ObjectProblem>(lastGood.Problems);
        foreach (var problem in sourceProblems)
        {
            problems.Set(problem.Key, problem);
        }

        // Every Ingress served, as finished (auth Secrets read, error backend set): what backends and certificates are derived from.
        var served = new List<IngressRoutes>(objects.Ingresses.Length + 1);
        foreach (var ingress in objects.Ingresses)
        {
            if (!filter.Serves(ingress, objects.IngressClasses))
            {
                continue;
            }

            var result = cache?.Translate(ingress) ?? IngressTranslator.Translate(ingress);
            var ns = ClusterObjects.NamespaceOf(ingress.Metadata);
            var name = ingress.Metadata?.Name ?? string.Empty;
            var key = ObjectKeys.Of(ns, name);
            if (!result.Errors.IsEmpty || !result.Warnings.IsEmpty)
            {
                var problem = new ObjectProblem("Ingress", ns, name, objects.OriginOf("Ingress", ingress.Metadata), result.Errors) { Warnings = result.Warnings };
                problems.Set(problem.Key, problem);
            }

            // An Ingress that fails validation keeps the entry in force, unless its failure must close it.
            var routes = result.Value ?? (!result.FailClosed ? lastGood.Ingresses.GetValueOrDefault(key) : null);
            if (routes is not null)
            {
                // Finishing makes a new instance only for Ingresses that read Secrets or take the global default
                // backend; the instance in force stays while it is equal, so such Ingresses compare by reference too.
                var finished = Finish(objects, routes, problems, defaultBackend);
                if (ReferenceEquals(finished, routes))
                {
                    ingresses.Set(key, finished);
                }
                else
                {
                    ingresses.SetNew(key, finished);
                }

                served.Add(finished);
            }
        }

        cache?.EndPass();
        if (defaultBackend is not null)
        {
            var global = IngressRoutes.GlobalDefault(defaultBackend);
            ingresses.SetNew(global.Key, global);
            served.Add(global);
        }

        var resolver = new BackendResolver(objects, addresses);
        // A backend that several Ingresses send to takes its health policy from the oldest of them: one pass
        // keeping the oldest per backend, not a sort of every Ingress.
        var oldest = new Dictionary<string, (BackendRef Backend, IngressRoutes Ingress)>(StringComparer.Ordinal);
        foreach (var ingress in served)
        {
            foreach (var backend in ingress.Backends)
            {
                var key = backend.Key;
                if (!oldest.TryGetValue(key, out var seen) || IngressAge.Instance.Compare(ingress, seen.Ingress) < 0)
                {
                    oldest[key] = (backend, ingress);
                }
            }
        }

        var backends = new ItemPass<BackendEndpoints>(lastGood.Backends);
        foreach (var (key, (backend, ingress)) in oldest)
        {
            var endpoints = Resolve(resolver, backend) with { Health = ingress.Options.Health };
            backends.SetNew(key, endpoints);
        }

        foreach (var (service, refused) in resolver.Refusals)
        {
            var slash = service.IndexOf('/', StringComparison.Ordinal);
            var (ns, name) = (service[..slash], service[(slash + 1)..]);
            var problem = new ObjectProblem("Service", ns, name, objects.OriginOf("Service", new k8s.Models.V1ObjectMeta { NamespaceProperty = ns, Name = name }), [.. refused]);
            problems.Set(problem.Key, problem);
        }

        var certificates = new ItemPass<TlsCertificate>(lastGood.Certificates);
        TranslateCertificates(objects, served, defaultCertificate, lastGood, problems, certificates, (time ?? TimeProvider.System).GetUtcNow());

        var (ingressItems, ingressUpserts, ingressRemovals) = ingresses.End();
        var (backendItems, backendUpserts, backendRemovals) = backends.End();
        var (problemItems, problemUpserts, problemRemovals) = problems.End();
        var (certificateItems, certificateUpserts, certificateRemovals) = certificates.End();
        return (
            new RoutingConfig(lastGood.Version, ingressItems, backendItems, problemItems, certificateItems),
            new ConfigChange(ingressUpserts, ingressRemovals, backendUpserts, backendRemovals, problemUpserts, problemRemovals, certificateUpserts, certificateRemovals));
    }

    /// <summary>
    /// What an Ingress's routes need from beyond the Ingress, every pass (Secrets change without their Ingresses):
    /// the users of basic auth, the CA bundle of client-certificate auth, the proxy-ssl material, and, as
    /// ingress-nginx, the global default backend as the error backend of an Ingress with custom-http-errors and
    /// no default-backend annotation. A Secret missing or unusable leaves the Ingress refusing every request
    /// (503), never open; what was left out is listed with its warnings.
    /// </summary>
    private static IngressRoutes Finish(ClusterObjects objects, IngressRoutes routes, ItemPass<ObjectProblem> problems, BackendRef? defaultBackend)
    {
        if (defaultBackend is not null && routes.Options is { CustomHttpErrors: not null, ErrorBackend: null })
        {
            routes = routes with { Options = routes.Options with { ErrorBackend = defaultBackend } };
        }

        if (routes.Options is not ({ BasicAuth: not null } or { ClientCertificate: not null } or { BackendTls: not null }))
        {
            return routes;
        }

        var options = routes.Options;
        var warnings = new List<string>();
        if (options.BasicAuth is { } auth)
        {
            var secret = FindSecret(objects, auth.Secret);
            var (credentials, left) = secret is null ? (null, []) : Authentication.Htpasswd.Read(secret, auth.AuthMap);
            var unavailable = secret is null ? $"the auth Secret {auth.Secret} does not exist" : credentials is null ? $"the auth Secret {auth.Secret} holds no usable user" : null;
            options = options with { BasicAuth = auth with { Credentials = credentials, Unavailable = unavailable } };
            warnings.AddRange(left.Take(20).Select(w => $"auth Secret {auth.Secret}: {w}"));
            warnings.AddRange(unavailable is null ? [] : [$"{unavailable}: every request to this Ingress gets 503 until it does"]);
        }

        if (options.ClientCertificate is { } tls)
        {
            var secret = FindSecret(objects, tls.Secret);
            var bundle = secret is null ? null : CertificateAuthorities(secret);
            var unavailable = secret is null ? $"the auth-tls Secret {tls.Secret} does not exist"
                : bundle is null ? $"the auth-tls Secret {tls.Secret} has no CA certificate in ca.crt" : null;
            options = options with { ClientCertificate = tls with { CaPem = bundle, Unavailable = unavailable } };
            warnings.AddRange(unavailable is null ? [] : [$"{unavailable}: every request to this Ingress gets 503 until it does"]);
        }

        if (options.BackendTls is { } backend)
        {
            var secret = FindSecret(objects, backend.Secret);
            var ca = secret is null ? null : CertificateAuthorities(secret);
            var (certificate, privateKey) = (SecretText(secret, "tls.crt"), SecretText(secret, "tls.key"));
            var unavailable = secret is null ? $"the proxy-ssl Secret {backend.Secret} does not exist"
                : backend.Verify && ca is null ? $"the proxy-ssl Secret {backend.Secret} has no CA certificate in ca.crt to verify backends with"
                : (certificate is null) != (privateKey is null) ? $"the proxy-ssl Secret {backend.Secret} has only one of tls.crt and tls.key" : null;
            options = options with { BackendTls = backend with { CaPem = ca, CertificatePem = certificate, KeyPem = privateKey, Unavailable = unavailable } };
            warnings.AddRange(unavailable is null ? [] : [$"{unavailable}: every request to this Ingress gets 503 until it does"]);
        }

        if (warnings.Count > 0)
        {
            var problem = problems.TryGetValue($"Ingress/{routes.Namespace}/{routes.Name}", out var existing)
                ? existing with { Warnings = existing.Warnings.AddRange(warnings) }
                : new ObjectProblem("Ingress", routes.Namespace, routes.Name, objects.OriginOf("Ingress", new k8s.Models.V1ObjectMeta { NamespaceProperty = routes.Namespace, Name = routes.Name }), []) { Warnings = [.. warnings] };
            problems.Set(problem.Key, problem);
        }

        return routes with { Options = options };
    }

    private static k8s.Models.V1Secret? FindSecret(ClusterObjects objects, string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return objects.Secrets.FirstOrDefault(x => ClusterObjects.NamespaceOf(x.Metadata) == key[..slash] && x.Metadata?.Name == key[(slash + 1)..]);
    }

    /// <summary>A Secret's key as text (its <c>stringData</c> over its <c>data</c>), or null when absent or blank.</summary>
    private static string? SecretText(k8s.Models.V1Secret? secret, string key)
    {
        var text = secret?.StringData?.TryGetValue(key, out var s) == true ? s
            : secret?.Data?.TryGetValue(key, out var d) == true && d is not null ? System.Text.Encoding.UTF8.GetString(d) : null;
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>The certificates of a Secret's <c>ca.crt</c> as PEM, or null when it holds none that parse.</summary>
    private static string? CertificateAuthorities(k8s.Models.V1Secret secret)
    {
        var text = SecretText(secret, "ca.crt");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPem(text);
            var pem = string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n"));
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            return pem.Length == 0 ? null : pem;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>One backend's endpoints; an input no check foresaw leaves that backend without endpoints, never fails the translation.</summary>
    private static BackendEndpoints Resolve(BackendResolver resolver, BackendRef backend)
    {
        try
        {
            return resolver.Resolve(backend);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new BackendEndpoints(backend, [], $"could not be resolved ({e.GetType().Name}): {Annotations.AnnotationReader.Quote(e.Message)}");
        }
    }

    /// <summary>
    /// The certificates of the Secrets that served Ingresses name in <c>spec.tls</c> (in their own
    /// namespace), and the default certificate's. A Secret that fails validation keeps its last valid
    /// certificate; a missing one leaves its hosts on the default certificate. Both are reported.
    /// </summary>
    private static void TranslateCertificates(
        ClusterObjects objects,
        IEnumerable<IngressRoutes> ingresses,
        string? defaultCertificate,
        RoutingConfig lastGood,
        ItemPass<ObjectProblem> problems,
        ItemPass<TlsCertificate> result,
        DateTimeOffset now)
    {
        var referencedBy = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var ingress in ingresses)
        {
            foreach (var binding in ingress.Tls.Where(t => t.SecretName is not null))
            {
                var key = ObjectKeys.Of(ingress.Namespace, binding.SecretName!);
                (referencedBy.TryGetValue(key, out var users) ? users : referencedBy[key] = new(StringComparer.Ordinal)).Add($"Ingress {ingress.Key}");
            }
        }

        if (!string.IsNullOrEmpty(defaultCertificate))
        {
            (referencedBy.TryGetValue(defaultCertificate, out var users) ? users : referencedBy[defaultCertificate] = new(StringComparer.Ordinal)).Add("the default certificate");
        }

        if (referencedBy.Count == 0)
        {
            return;
        }

        var secrets = objects.Secrets
            .GroupBy(s => ObjectKeys.Of(ClusterObjects.NamespaceOf(s.Metadata), s.Metadata?.Name ?? string.Empty), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var (key, users) in referencedBy)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var (ns, name) = (key[..slash], key[(slash + 1)..]);
            if (!secrets.TryGetValue(key, out var secret))
            {
                var missing = new ObjectProblem("Secret", ns, name, "unknown", [$"not found; referenced by {string.Join(", ", users)}, whose hosts are served with the default certificate"]);
                problems.Set(missing.Key, missing);
                continue;
            }

            TranslationResult<TlsCertificate> translated;
            try
            {
                translated = CertificateTranslator.Translate(secret, now);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                translated = TranslationResult.Failed<TlsCertificate>([$"could not be translated ({e.GetType().Name}): {Annotations.AnnotationReader.Quote(e.Message)}"]);
            }

            if (translated.Value is { } certificate)
            {
                result.SetNew(key, certificate);
                continue;
            }

            var problem = new ObjectProblem("Secret", ns, name, objects.OriginOf("Secret", secret.Metadata), translated.Errors);
            problems.Set(problem.Key, problem);
            if (lastGood.Certificates.TryGetValue(key, out var previous) && previous.NotAfter > now)
            {
                result.Set(key, previous);
            }
        }

    }
}

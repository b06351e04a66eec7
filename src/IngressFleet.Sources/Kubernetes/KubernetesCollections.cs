using IngressFleet.Core.Translation;
using IngressFleet.Sources.Publishing;
using k8s.Models;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>
/// What the Kubernetes source reads: Ingresses, IngressClasses, Services, EndpointSlices, TLS and Opaque Secrets (never
/// service-account tokens or other kinds), in every namespace or the listed ones, one <see cref="Reflector{T}"/> each.
/// The source runs them; the migration check lists them once. Both see the same objects.
/// </summary>
internal sealed class KubernetesCollections
{
    private readonly List<Reflector<V1Ingress>> _ingresses;
    private readonly Reflector<V1IngressClass> _classes;
    private readonly List<Reflector<V1Service>> _services;
    private readonly List<Reflector<V1EndpointSlice>> _slices;
    private readonly List<Reflector<V1Secret>> _secrets;

    /// <param name="api">The API server.</param>
    /// <param name="namespaces">The namespaces read; none for all.</param>
    /// <param name="extraServiceNamespace">One more namespace whose Services are read (the published Service's), if any.</param>
    /// <param name="changed">Called after every change.</param>
    /// <param name="time">The clock of the reflectors' backoff.</param>
    /// <param name="logger">Where the reflectors report.</param>
    /// <param name="watchTimeout">How long the server keeps each watch open.</param>
    /// <param name="input">Told whether listing and watching work, if anything is to be told.</param>
    public KubernetesCollections(
        KubernetesApi api,
        IReadOnlyCollection<string> namespaces,
        string? extraServiceNamespace,
        Action changed,
        TimeProvider time,
        ILogger logger,
        TimeSpan watchTimeout,
        SourceInput? input)
    {
        Reflector<TObject> Mirror<TObject>(string path, string? fieldSelector = null)
            where TObject : class, k8s.IKubernetesObject<V1ObjectMeta> =>
            new(api, path, fieldSelector, changed, time, logger) { WatchTimeout = watchTimeout, Input = input };
        IEnumerable<string> Paths(string prefix, string resource) =>
            namespaces.Count == 0 ? [$"{prefix}/{resource}"] : namespaces.Select(ns => $"{prefix}/namespaces/{ns}/{resource}");

        _ingresses = [.. Paths("/apis/networking.k8s.io/v1", "ingresses").Select(p => Mirror<V1Ingress>(p))];
        _classes = Mirror<V1IngressClass>("/apis/networking.k8s.io/v1/ingressclasses");
        var servicePaths = Paths("/api/v1", "services").ToList();
        if (namespaces.Count > 0 && extraServiceNamespace is not null && !namespaces.Contains(extraServiceNamespace))
        {
            servicePaths.Add($"/api/v1/namespaces/{extraServiceNamespace}/services");
        }

        _services = [.. servicePaths.Select(p => Mirror<V1Service>(p))];
        _slices = [.. Paths("/apis/discovery.k8s.io/v1", "endpointslices").Select(p => Mirror<V1EndpointSlice>(p))];
        _secrets = [.. Paths("/api/v1", "secrets").SelectMany(p => new[] { Mirror<V1Secret>(p, $"type={CertificateTranslator.TlsSecretType}"), Mirror<V1Secret>(p, "type=Opaque") })];
    }

    /// <summary>Every collection.</summary>
    public IEnumerable<IReflector> All =>
        _ingresses.Cast<IReflector>().Append(_classes).Concat(_services).Concat(_slices).Concat(_secrets);

    /// <summary>True once every collection has been listed: a view published before would delete what is not listed yet.</summary>
    public bool Synced => All.All(r => r.Synced);

    /// <summary>The objects mirrored now.</summary>
    public ClusterObjects Snapshot() => new(
        [.. _ingresses.SelectMany(r => r.Items)],
        [.. _classes.Items],
        [.. _services.SelectMany(r => r.Items)],
        [.. _slices.SelectMany(r => r.Items)],
        [],
        [.. _secrets.SelectMany(r => r.Items)]) { DefaultOrigin = "kubernetes" };
}

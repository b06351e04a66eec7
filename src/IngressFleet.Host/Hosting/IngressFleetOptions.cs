using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Hosting;

/// <summary>
/// Settings of one IngressFleet process, from the command line (<c>--http-port 8080</c>), environment
/// (<c>IngressFleet__HttpPort=8080</c>) or appsettings (section <c>IngressFleet</c>).
/// </summary>
public sealed class IngressFleetOptions : IValidatableObject
{
    public const string Section = "IngressFleet";

    /// <summary>How silos find each other and where grain state lives.</summary>
    public ClusterMode Cluster { get; set; } = ClusterMode.Standalone;

    /// <summary>The Redis server of a fleet (<c>host:port</c>, or any StackExchange.Redis configuration string).</summary>
    public string? Redis { get; set; }

    /// <summary>The address other silos reach this one at. Default 127.0.0.1 (a fleet on one machine); the pod IP in Kubernetes.</summary>
    public string AdvertiseAddress { get; set; } = "127.0.0.1";

    /// <summary>The Orleans cluster id: silos with the same id and Redis form one fleet. Default <c>ingressfleet</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][-A-Za-z0-9_.]*$")]
    public string ClusterId { get; set; } = "ingressfleet";

    /// <summary>This silo's name in the fleet view. Default <c>silo-</c> and the silo port.</summary>
    public string? Name { get; set; }

    /// <summary>The manifest folder to read (the source when <see cref="Source"/> is not set).</summary>
    public string? Manifests { get; set; }

    /// <summary>Where Kubernetes objects come from: the manifest folder, or the API server. Default: the folder when one is given.</summary>
    public SourceKind? Source { get; set; }

    /// <summary>The kubeconfig to reach the API server with, out of cluster; in a pod, the service account is used when this is unset.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Comma-separated namespaces to watch; all when unset.</summary>
    public string? Namespaces { get; set; }

    /// <summary>The Service (<c>namespace/name</c>, type LoadBalancer) whose load-balancer addresses are written to Ingress status.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    public string? PublishService { get; set; }

    /// <summary>Comma-separated IPs or host names written to Ingress status instead of a Service's addresses.</summary>
    public string? PublishStatusAddress { get; set; }

    /// <summary>The source that runs: <see cref="Source"/>, else the manifest folder when one is given, else none.</summary>
    public SourceKind? EffectiveSource => Source ?? (string.IsNullOrEmpty(Manifests) ? null : SourceKind.Manifests);

    /// <summary>The namespaces to watch, or empty for all.</summary>
    public IReadOnlyList<string> WatchedNamespaces =>
        string.IsNullOrWhiteSpace(Namespaces) ? [] : [.. Namespaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>The proxy's plain-HTTP port. Default 8080.</summary>
    [Range(1, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>The proxy's HTTPS port (0 turns HTTPS off). Default 8443.</summary>
    [Range(0, 65535)]
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// The port in the <c>Location</c> of HTTP-to-HTTPS redirects: the HTTPS port clients reach, usually the
    /// load balancer's 443 rather than the silo's own. Default 443.
    /// </summary>
    [Range(1, 65535)]
    public int HttpsRedirectPort { get; set; } = 443;

    /// <summary>The Secret (<c>namespace/name</c>) whose certificate is presented when no Ingress covers the SNI name; a self-signed one made at start-up when unset.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? DefaultCertificate { get; set; }

    /// <summary>The address the proxy listens on. Default all IPv4 addresses.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>The admin API's port. Default 9090.</summary>
    [Range(1, 65535)]
    public int AdminPort { get; set; } = 9090;

    /// <summary>The admin API's address. Default loopback only: it lists the whole config.</summary>
    public string AdminAddress { get; set; } = "127.0.0.1";

    /// <summary>The IngressClass name served even without an IngressClass object. Default <c>ingressfleet</c>.</summary>
    [Required, RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string IngressClass { get; set; } = "ingressfleet";

    /// <summary>Serve Ingresses that name no class. Default true.</summary>
    public bool WatchIngressWithoutClass { get; set; } = true;

    /// <summary>Start the sample echo backends of the demo in this process.</summary>
    public bool Demo { get; set; }

    /// <summary>Orleans silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port. Default 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How often a proxy compares its version with the control plane's. Default 3 s.</summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the source lease lasts unless renewed: the longest a fleet goes without a source after its holder dies. Default 5 s.</summary>
    public TimeSpan SourceLeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>On SIGTERM, how long readiness fails before new connections are refused, so load balancers stop sending first. Default 5 s.</summary>
    [Range(0, 600)]
    public double ShutdownDelaySeconds { get; set; } = 5;

    /// <summary>On SIGTERM, how long in-flight requests get to finish after new connections are refused. Default 30 s.</summary>
    [Range(0, 3600)]
    public double DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Where traces, metrics and logs are exported over OTLP (for example <c>http://otel-collector:4317</c>).
    /// Export is off when neither this nor the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP transport: <c>Grpc</c> (port 4317) or <c>HttpProtobuf</c> (port 4318). Default Grpc.</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>
    /// The share of requests and config changes that start a trace here (0 to 1). A request that arrives
    /// with a <c>traceparent</c> follows its caller's decision instead. Default 0.01.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 0.01;

    /// <summary>The access log: <c>stdout</c> (default), <c>off</c>, or a file path to append to.</summary>
    [Required]
    public string AccessLog { get; set; } = "stdout";

    /// <summary>The format of the application log on stderr: <c>Simple</c> (one line per entry) or <c>Json</c>.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Simple;

    /// <summary>The silo name used when <see cref="Name"/> is not set.</summary>
    public string EffectiveName => string.IsNullOrEmpty(Name) ? $"silo-{SiloPort}" : Name;

    /// <summary>How often the manifest folder is rescanned in case a file-system event was missed. Default 1 s.</summary>
    public TimeSpan ManifestPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after a file event the folder is read, so a burst of writes is read once. Default 10 ms.</summary>
    public TimeSpan ManifestDebounce { get; set; } = TimeSpan.FromMilliseconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            yield return new ValidationResult($"ListenAddress \"{ListenAddress}\" is not an IP address", [nameof(ListenAddress)]);
        }

        if (!System.Net.IPAddress.TryParse(AdminAddress, out _))
        {
            yield return new ValidationResult($"AdminAddress \"{AdminAddress}\" is not an IP address", [nameof(AdminAddress)]);
        }

        var ports = new[] { HttpPort, AdminPort, SiloPort, GatewayPort }.Concat(HttpsPort != 0 ? [HttpsPort] : []).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            yield return new ValidationResult("HttpPort, HttpsPort, AdminPort, SiloPort and GatewayPort must all differ");
        }

        if (Cluster == ClusterMode.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult("--cluster redis needs --redis HOST:PORT", [nameof(Redis)]);
        }

        if (!System.Net.IPAddress.TryParse(AdvertiseAddress, out _))
        {
            yield return new ValidationResult($"AdvertiseAddress \"{AdvertiseAddress}\" is not an IP address", [nameof(AdvertiseAddress)]);
        }

        if (SourceLeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("SourceLeaseDuration must be at least 1 s");
        }

        if (Source == SourceKind.Manifests && string.IsNullOrEmpty(Manifests))
        {
            yield return new ValidationResult("--source manifests needs --manifests DIR", [nameof(Manifests)]);
        }

        foreach (var ns in WatchedNamespaces.Where(n => !Translation.KubernetesNames.IsDns1123Subdomain(n)))
        {
            yield return new ValidationResult($"Namespaces: \"{ns}\" is not a namespace name", [nameof(Namespaces)]);
        }

        if (AntiEntropyInterval <= TimeSpan.Zero || ManifestPollInterval <= TimeSpan.Zero || ManifestDebounce < TimeSpan.Zero)
        {
            yield return new ValidationResult("AntiEntropyInterval and ManifestPollInterval must be positive, ManifestDebounce not negative");
        }
    }
}

/// <summary>Where a fleet's Kubernetes objects come from.</summary>
public enum SourceKind
{
    /// <summary>A folder of YAML/JSON manifests, watched.</summary>
    Manifests,

    /// <summary>The Kubernetes API server: list and watch.</summary>
    Kubernetes,
}

/// <summary>The OTLP exporter's transport.</summary>
public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}

/// <summary>How the application log is written.</summary>
public enum LogFormat
{
    Simple,
    Json,
}

/// <summary>How silos form a fleet.</summary>
public enum ClusterMode
{
    /// <summary>One silo, localhost clustering, state in memory. No external service.</summary>
    Standalone,

    /// <summary>Any number of silos, membership and grain state in Redis.</summary>
    Redis,
}

using k8s;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>
/// Authenticated HTTP to the API server, with KubernetesClient's configuration (service account in a pod,
/// kubeconfig outside), its TLS settings and its credentials. Requests are plain paths, so list and watch
/// read the wire format as it is: watch lines, Status objects, 410 Gone.
/// </summary>
internal sealed class KubernetesApi : IDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly string _baseUri;

    public KubernetesApi(KubernetesClientConfiguration configuration)
    {
        _client = new k8s.Kubernetes(configuration);
        _baseUri = _client.BaseUri.ToString().TrimEnd('/');
        Server = _baseUri;
    }

    /// <summary>The API server's URL, for logs.</summary>
    public string Server { get; }

    /// <summary>
    /// The explicit kubeconfig; else the service account inside a pod; else <c>KUBECONFIG</c> or
    /// <c>~/.kube/config</c>, as kubectl does.
    /// </summary>
    public static KubernetesClientConfiguration Configuration(string? kubeconfig) =>
        !string.IsNullOrEmpty(kubeconfig) ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildDefaultConfig();

    /// <summary>Sends a request; the response is returned once its headers are in, so a watch body can be streamed.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri + pathAndQuery)) { Content = content };
        request.Headers.Accept.ParseAdd("application/json");
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        return await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Fails with the API server's status and message unless the response is a success.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new KubernetesApiException(response.StatusCode, $"{what}: {(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}");
        }
    }

    public void Dispose() => _client.Dispose();

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "...";
}

using System.Net;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>The API server answered with an error status.</summary>
internal sealed class KubernetesApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

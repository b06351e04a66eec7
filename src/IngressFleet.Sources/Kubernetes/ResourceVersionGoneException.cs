using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace IngressFleet.Sources.Kubernetes;

/// <summary>A watch was told its resourceVersion is gone (compacted): the collection must be listed again.</summary>
internal sealed class ResourceVersionGoneException(string message) : Exception(message);

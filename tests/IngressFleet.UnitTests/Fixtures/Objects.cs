using k8s.Models;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Builders for the Kubernetes objects tests feed in, instead of YAML copied between tests.</summary>
internal static class Objects
{
    public static IngressBuilder Ingress(string name, string ns = "default") => new(name, ns);

    public static V1Service Service(string name, string ns = "default", params V1ServicePort[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { Ports = ports.Length == 0 ? [Port(80)] : [.. ports] },
    };

    public static V1ServicePort Port(int port, string? name = null, int? targetPort = null) =>
        new() { Port = port, Name = name, TargetPort = targetPort ?? port, Protocol = "TCP" };

    /// <summary>An EndpointSlice of a Service with one port and the given endpoints.</summary>
    public static V1EndpointSlice Slice(
        string service, string ns, string? portName, int port, params (string Address, bool? Ready)[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        AddressType = "IPv4",
        Metadata = new V1ObjectMeta
        {
            Name = $"{service}-{portName ?? "p"}-{port}",
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        Ports = [new Discoveryv1EndpointPort { Name = portName, Port = port, Protocol = "TCP" }],
        Endpoints = [.. endpoints.Select(e => new V1Endpoint
        {
            Addresses = [e.Address],
            Conditions = e.Ready is null ? null : new V1EndpointConditions { Ready = e.Ready },
        })],
    };

    public static V1IngressClass IngressClass(string name, string controller, bool isDefault = false) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "IngressClass",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Annotations = isDefault ? new Dictionary<string, string> { ["ingressclass.kubernetes.io/is-default-class"] = "true" } : null,
        },
        Spec = new V1IngressClassSpec { Controller = controller },
    };
}

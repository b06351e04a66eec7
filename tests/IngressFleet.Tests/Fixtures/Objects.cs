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

internal sealed class IngressBuilder(string name, string ns)
{
    private readonly List<V1IngressRule> _rules = [];
    private readonly Dictionary<string, V1IngressRule> _rulesByHost = [];
    private V1IngressBackend? _default;
    private string? _class;
    private DateTime _created = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly List<V1IngressTLS> _tls = [];
    private readonly Dictionary<string, string> _annotations = [];

    public IngressBuilder Rule(string? host, string path, string pathType, string service, int port)
        => AddPath(host, new V1HTTPIngressPath { Path = path, PathType = pathType, Backend = Backend(service, port) });

    public IngressBuilder Rule(string? host, string path, string pathType, string service, string portName)
        => AddPath(host, new V1HTTPIngressPath { Path = path, PathType = pathType, Backend = Backend(service, portName) });

    public IngressBuilder Path(string? host, V1HTTPIngressPath path) => AddPath(host, path);

    public IngressBuilder Default(string service, int port)
    {
        _default = Backend(service, port);
        return this;
    }

    public IngressBuilder Class(string className)
    {
        _class = className;
        return this;
    }

    /// <summary>A <c>spec.tls</c> entry: <paramref name="hosts"/> served with the certificate of Secret <paramref name="secretName"/>.</summary>
    public IngressBuilder Tls(string? secretName, params string[] hosts)
    {
        _tls.Add(new V1IngressTLS { SecretName = secretName, Hosts = hosts });
        return this;
    }

    public IngressBuilder Annotate(string key, string value)
    {
        _annotations[key] = value;
        return this;
    }

    public IngressBuilder Created(DateTime created)
    {
        _created = created;
        return this;
    }

    public V1Ingress Build() => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, CreationTimestamp = _created, Annotations = _annotations.Count == 0 ? null : new Dictionary<string, string>(_annotations) },
        Spec = new V1IngressSpec { IngressClassName = _class, DefaultBackend = _default, Rules = _rules.Count == 0 ? null : [.. _rules], Tls = _tls.Count == 0 ? null : [.. _tls] },
    };

    public static V1IngressBackend Backend(string service, int port) =>
        new() { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = port } } };

    public static V1IngressBackend Backend(string service, string portName) =>
        new() { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Name = portName } } };

    private IngressBuilder AddPath(string? host, V1HTTPIngressPath path)
    {
        if (!_rulesByHost.TryGetValue(host ?? string.Empty, out var rule))
        {
            rule = new V1IngressRule { Host = host, Http = new V1HTTPIngressRuleValue { Paths = [] } };
            _rulesByHost[host ?? string.Empty] = rule;
            _rules.Add(rule);
        }

        rule.Http.Paths.Add(path);
        return this;
    }

    public static implicit operator V1Ingress(IngressBuilder builder) => builder.Build();
}

internal static class ObjectsForBackends
{
    /// <summary>A Service with port 80 named http, and one EndpointSlice per echo backend, on 127.0.0.1.</summary>
    public static object[] ServiceFor(string name, params Demo.EchoBackend[] backends) => ServiceFor(name, "http", backends);

    /// <summary>A Service with one port named <paramref name="portName"/> (443 for <c>https</c>, else 80) and one EndpointSlice per echo backend.</summary>
    public static object[] ServiceFor(string name, Demo.EchoBackend backend, string portName) => ServiceFor(name, portName, [backend]);

    private static object[] ServiceFor(string name, string portName, Demo.EchoBackend[] backends)
    {
        var objects = new List<object> { Objects.Service(name, "default", Objects.Port(portName == "https" ? 443 : 80, portName)) };
        for (var i = 0; i < backends.Length; i++)
        {
            var slice = Objects.Slice(name, "default", portName, backends[i].Port, ("127.0.0.1", true));
            slice.Metadata.Name = $"{name}-{i}";
            objects.Add(slice);
        }

        return [.. objects];
    }
}

using k8s.Models;

namespace IngressFleet.Tests.Fixtures;

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

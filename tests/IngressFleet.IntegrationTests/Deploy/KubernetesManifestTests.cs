using System.Diagnostics;
using System.Text.RegularExpressions;
using IngressFleet.Core.Translation;
using IngressFleet.Host.Admin;
using IngressFleet.Host.Hosting;
using IngressFleet.Sources.Publishing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace IngressFleet.Tests.Deploy;

/// <summary>
/// deploy/kubernetes, rendered with <c>kubectl kustomize</c> as a user would apply it, every object parsed
/// strictly (unknown fields fail) with the KubernetesClient models, and checked against what the host serves
/// and reads.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = typeof(V1Namespace),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/Service"] = typeof(V1Service),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        ["networking.k8s.io/v1/IngressClass"] = typeof(V1IngressClass),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
    };

    private static readonly Lazy<List<object>> Base = new(() => Parse(Render("deploy/kubernetes")));

    [Fact]
    public void Base_RendersToKnownKinds_EachWithItsRequiredFields()
    {
        var objects = Base.Value;
        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "Deployment", "HorizontalPodAutoscaler", "IngressClass", "Namespace", "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding", "Service", "ServiceAccount", "StatefulSet"],
            objects.Select(o => ((IKubernetesObject)o).Kind).Distinct().Order(StringComparer.Ordinal));
        foreach (var o in objects)
        {
            var missing = MissingRequiredFields(o).ToList();
            Assert.True(missing.Count == 0, $"{((IKubernetesObject)o).Kind} {Name(o)}: missing {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Deployment_SetsOnlySettingsTheHostReads_AndTheyValidate()
    {
        var container = Controller().Spec.Template.Spec.Containers.Single();
        var options = HostOptions(container);
        var settingKeys = container.Env.Where(e => e.Name.StartsWith("IngressFleet__", StringComparison.Ordinal)).Select(e => e.Name["IngressFleet__".Length..]).ToList();
        var properties = HostSettings.OptionsTypes.SelectMany(t => t.GetProperties()).Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(settingKeys, key => Assert.True(properties.Contains(key), $"the Deployment sets IngressFleet__{key}, which the host does not read"));

        Assert.Equal(SourceKind.Kubernetes, options.Sources.EffectiveSource);
        Assert.Equal(ClusterMode.Redis, options.Fleet.Cluster);
        Assert.Equal("ingressfleet-7d9f-abcde", options.Fleet.Name);
        Assert.Equal("10.1.2.3", options.Fleet.AdvertiseAddress);
        Assert.Equal("ingressfleet/ingressfleet", options.Sources.PublishService);

        // Orleans Kubernetes hosting reads the pod's identity from the downward API.
        foreach (var (name, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP") })
        {
            Assert.Equal(field, container.Env.Single(e => e.Name == name).ValueFrom.FieldRef.FieldPath);
        }

        Assert.Equal(options.Fleet.ClusterId, Controller().Spec.Template.Metadata.Labels["orleans/clusterId"]);
        Assert.Equal(options.Fleet.ClusterId, Controller().Spec.Template.Metadata.Labels["orleans/serviceId"]);
    }

    [Fact]
    public void Deployment_ProbesPortsAndShutdown_MatchWhatTheHostServes()
    {
        var deployment = Controller();
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var options = HostOptions(container);
        int Port(string name) => container.Ports.Single(p => p.Name == name).ContainerPort;

        Assert.Equal(options.Proxy.HttpPort, Port("http"));
        Assert.Equal(options.Proxy.HttpsPort, Port("https"));
        Assert.Equal(options.Admin.AdminPort, Port("admin"));
        Assert.Equal(options.Fleet.SiloPort, Port("silo"));
        Assert.Equal(options.Fleet.GatewayPort, Port("gateway"));
        Assert.Equal("0.0.0.0", options.Admin.AdminAddress);
        Assert.Equal(AdminApi.ReadyPath, container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(AdminApi.LivePath, container.LivenessProbe.HttpGet.Path);
        Assert.Equal("admin", container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("admin", container.LivenessProbe.HttpGet.Port.Value);

        // The grace period covers the preStop pause, the readiness delay and the whole drain.
        var preStop = container.Lifecycle.PreStop.Sleep.Seconds;
        Assert.True(
            pod.TerminationGracePeriodSeconds >= preStop + options.Shutdown.ShutdownDelaySeconds + options.Shutdown.DrainTimeoutSeconds + 10,
            $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} < preStop {preStop} + delay {options.Shutdown.ShutdownDelaySeconds} + drain {options.Shutdown.DrainTimeoutSeconds} + 10");

        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Contains("ALL", container.SecurityContext.Capabilities.Drop);
        Assert.NotNull(container.Resources.Requests);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Contains(pod.TopologySpreadConstraints, c => c.TopologyKey == "kubernetes.io/hostname");
        Assert.Equal("ingressfleet", pod.ServiceAccountName);
    }

    [Fact]
    public void Services_LoadBalancerKeepsClientAddresses_AndEveryPortAndSelectorResolves()
    {
        var podLabels = Controller().Spec.Template.Metadata.Labels;
        var containerPorts = Controller().Spec.Template.Spec.Containers.Single().Ports.Select(p => p.Name).ToHashSet();
        var services = Base.Value.OfType<V1Service>().ToList();
        var front = services.Single(s => s.Spec.Type == "LoadBalancer");
        Assert.Equal("Local", front.Spec.ExternalTrafficPolicy);
        Assert.Equal([80, 443], front.Spec.Ports.Select(p => p.Port).Order());
        Assert.Equal(["http", "https"], front.Spec.Ports.Select(p => p.TargetPort.Value).Order());
        Assert.Equal(HostOptions(Controller().Spec.Template.Spec.Containers.Single()).Sources.PublishService, $"{front.Namespace()}/{front.Name()}");

        var silo = services.Single(s => s.Spec.ClusterIP == "None");
        Assert.True(silo.Spec.PublishNotReadyAddresses);
        foreach (var service in new[] { front, silo })
        {
            Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, podLabels[l.Key]));
            Assert.All(service.Spec.Ports, p => Assert.Contains(p.TargetPort.Value, containerPorts));
        }

        var pdb = Base.Value.OfType<V1PodDisruptionBudget>().Single();
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, podLabels[l.Key]));
        var hpa = Base.Value.OfType<V2HorizontalPodAutoscaler>().Single();
        Assert.Equal(("Deployment", Controller().Name()), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.True(hpa.Spec.MinReplicas >= 2);

        var redis = Base.Value.OfType<V1StatefulSet>().Single();
        Assert.NotEmpty(redis.Spec.VolumeClaimTemplates);
        var redisService = services.Single(s => s.Spec.Ports.Any(p => p.Port == 6379));
        Assert.Equal($"{redisService.Name()}:6379", HostOptions(Controller().Spec.Template.Spec.Containers.Single()).Fleet.Redis);
    }

    [Fact]
    public void Rbac_IsLeastPrivilege_WithoutWildcards_AndCoversWhatTheControllerCalls()
    {
        var rules = Base.Value.OfType<V1ClusterRole>().SelectMany(r => r.Rules).Concat(Base.Value.OfType<V1Role>().SelectMany(r => r.Rules)).ToList();
        foreach (var rule in rules)
        {
            var words = rule.Verbs.Concat(rule.Resources ?? []).Concat(rule.ApiGroups ?? []).Concat(rule.ResourceNames ?? []).Concat(rule.NonResourceURLs ?? []);
            Assert.DoesNotContain(words, w => w.Contains('*', StringComparison.Ordinal));
        }

        var roleRefs = Base.Value.OfType<V1ClusterRoleBinding>().Select(b => b.RoleRef.Name).Concat(Base.Value.OfType<V1RoleBinding>().Select(b => b.RoleRef.Name));
        Assert.DoesNotContain(roleRefs, r => r is "cluster-admin" or "admin" or "edit");

        string[] Verbs(string group, string resource) => [.. rules.Where(r => r.ApiGroups.Contains(group) && r.Resources.Contains(resource)).SelectMany(r => r.Verbs).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(["get", "list", "watch"], Verbs("networking.k8s.io", "ingresses"));
        Assert.Equal(["patch", "update"], Verbs("networking.k8s.io", "ingresses/status"));
        Assert.Equal(["get", "list", "watch"], Verbs("networking.k8s.io", "ingressclasses"));
        Assert.Equal(["get", "list", "watch"], Verbs(string.Empty, "services"));
        Assert.Equal(["get", "list", "watch"], Verbs("discovery.k8s.io", "endpointslices"));
        Assert.Equal(["get", "list", "watch"], Verbs(string.Empty, "secrets"));
        Assert.Equal(["get", "list", "patch", "watch"], Verbs(string.Empty, "pods"));
        Assert.Equal(7, rules.Count);

        var account = Base.Value.OfType<V1ServiceAccount>().Single();
        Assert.All(Base.Value.OfType<V1ClusterRoleBinding>().SelectMany(b => b.Subjects).Concat(Base.Value.OfType<V1RoleBinding>().SelectMany(b => b.Subjects)),
            s => Assert.Equal((account.Name(), account.Namespace()), (s.Name, s.NamespaceProperty)));
    }

    [Fact]
    public void IngressClass_AndExample_AreOurs()
    {
        var ingressClass = Base.Value.OfType<V1IngressClass>().Single();
        Assert.Equal(IngressClassFilter.ControllerName, ingressClass.Spec.Controller);
        Assert.Equal(HostOptions(Controller().Spec.Template.Spec.Containers.Single()).Translation.IngressClass, ingressClass.Name());

        var example = Parse(Render("deploy/kubernetes/example"));
        var ingress = example.OfType<V1Ingress>().Single();
        Assert.Equal(ingressClass.Name(), ingress.Spec.IngressClassName);
        Assert.NotNull(IngressTranslator.Translate(ingress).Value);
        var backend = ingress.Spec.Rules.Single().Http.Paths.Single().Backend.Service;
        Assert.Contains(example.OfType<V1Service>(), s => s.Name() == backend.Name && s.Spec.Ports.Any(p => p.Name == backend.Port.Name));
    }

    [Fact]
    public void Dockerfile_IsMultiStage_AndRunsAsNonRoot()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Fixtures.Repository.Root, "Dockerfile"));
        Assert.True(FromLine().Count(dockerfile) >= 2, "not a multi-stage build");
        var user = UserLine().Matches(dockerfile).Select(m => m.Groups[1].Value).LastOrDefault();
        Assert.NotNull(user);
        Assert.DoesNotMatch("^(0|root)(:|$)", user);
        Assert.Equal(Controller().Spec.Template.Spec.SecurityContext.RunAsUser?.ToString(System.Globalization.CultureInfo.InvariantCulture), user.Split(':')[0]);
    }

    private static V1Deployment Controller() => Base.Value.OfType<V1Deployment>().Single();

    /// <summary>The host's settings as the pod's environment sets them, downward-API values filled in.</summary>
    private static HostSettings HostOptions(V1Container container)
    {
        var downward = new Dictionary<string, string> { ["POD_NAME"] = "ingressfleet-7d9f-abcde", ["POD_NAMESPACE"] = "ingressfleet", ["POD_IP"] = "10.1.2.3" };
        var settings = container.Env
            .Where(e => e.Value is not null)
            .ToDictionary(e => e.Name.Replace("__", ":", StringComparison.Ordinal), e => (string?)DollarReference().Replace(e.Value, m => downward[m.Groups[1].Value]));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        
        // Read and validated as the host does: an invalid value fails here with the host's own message.
        return HostSettings.Read(configuration.GetSection(HostSettings.Section));
    }

    private static string Render(string directory)
    {
        var info = new ProcessStartInfo(Fixtures.ChildProcess.Which("kubectl"), ["kustomize", Path.Combine(Fixtures.Repository.Root, directory)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed: {error}");
        return output;
    }

    /// <summary>Every document must be of a known kind, and parse strictly: an unknown or misspelt field fails.</summary>
    private static List<object> Parse(string yaml)
    {
        foreach (var document in yaml.Split("\n---\n"))
        {
            var head = KubernetesYaml.Deserialize<KubernetesObject>(document);
            Assert.True(Kinds.ContainsKey($"{head.ApiVersion}/{head.Kind}"), $"unknown kind {head.ApiVersion}/{head.Kind}");
        }

        return KubernetesYaml.LoadAllFromString(yaml, Kinds, strict: true);
    }

    /// <summary>The fields the Kubernetes API marks required for each kind used here.</summary>
    private static IEnumerable<string> MissingRequiredFields(object o) =>
        RequiredFields(o).Prepend((Field: "metadata.name", Present: !string.IsNullOrEmpty(Name(o)))).Where(f => !f.Present).Select(f => f.Field);

    private static (string Field, bool Present)[] RequiredFields(object o) => o switch
    {
        V1Deployment d =>
        [
            ("spec.selector", d.Spec?.Selector is not null),
            ("spec.template.spec.containers[] with name and image", d.Spec?.Template?.Spec?.Containers is { Count: > 0 } c && c.All(x => !string.IsNullOrEmpty(x.Name) && !string.IsNullOrEmpty(x.Image))),
            ("spec.selector matching the template's labels", d.Spec?.Selector?.MatchLabels?.All(l => d.Spec.Template?.Metadata?.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value) == true),
        ],
        V1StatefulSet s => [("spec.selector", s.Spec?.Selector is not null), ("spec.template.spec.containers", s.Spec?.Template?.Spec?.Containers is { Count: > 0 })],
        V1Service s => [("spec.ports[].port", s.Spec?.Ports is { Count: > 0 } ports && ports.All(p => p.Port > 0))],
        V1ClusterRole r => [("rules[].verbs", r.Rules?.All(x => x.Verbs is { Count: > 0 }) == true)],
        V1Role r => [("rules[].verbs", r.Rules?.All(x => x.Verbs is { Count: > 0 }) == true)],
        V1ClusterRoleBinding b => [("roleRef", b.RoleRef is { Name: not null, Kind: not null, ApiGroup: not null })],
        V1RoleBinding b => [("roleRef", b.RoleRef is { Name: not null, Kind: not null, ApiGroup: not null })],
        V1IngressClass c => [("spec.controller", !string.IsNullOrEmpty(c.Spec?.Controller))],
        V1NetworkPolicy n => [("spec.podSelector", n.Spec?.PodSelector is not null)],
        V1PodDisruptionBudget p => [("spec.selector and minAvailable or maxUnavailable", p.Spec?.Selector is not null && (p.Spec.MinAvailable is not null || p.Spec.MaxUnavailable is not null))],
        V2HorizontalPodAutoscaler h => [("spec.scaleTargetRef and spec.maxReplicas", h.Spec?.ScaleTargetRef?.Name is not null && h.Spec.MaxReplicas > 0)],
        _ => [],
    };

    private static string? Name(object o) => ((IMetadata<V1ObjectMeta>)o).Metadata?.Name;

    [GeneratedRegex(@"\$\(([A-Z_]+)\)")]
    private static partial Regex DollarReference();

    [GeneratedRegex(@"^FROM\s", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^USER\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex UserLine();
}

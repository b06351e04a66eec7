using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Translation;
using IngressFleet.DataPlane.ClientIdentity;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.Telemetry;
using IngressFleet.Host.Admin;
using IngressFleet.Host.Demo;
using IngressFleet.Host.Telemetry;
using IngressFleet.Sources.Publishing;

namespace IngressFleet.Host.Hosting;

/// <summary>Maps the documented command-line switches onto the keys of the options in <see cref="HostSettings"/>.</summary>
internal static class CommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--manifests"] = Key(nameof(SourceOptions.Manifests)),
        ["--source"] = Key(nameof(SourceOptions.Source)),
        ["--kubeconfig"] = Key(nameof(SourceOptions.Kubeconfig)),
        ["--namespaces"] = Key(nameof(SourceOptions.Namespaces)),
        ["--publish-service"] = Key(nameof(SourceOptions.PublishService)),
        ["--publish-status-address"] = Key(nameof(SourceOptions.PublishStatusAddress)),
        ["--cluster"] = Key(nameof(FleetOptions.Cluster)),
        ["--redis"] = Key(nameof(FleetOptions.Redis)),
        ["--advertise-address"] = Key(nameof(FleetOptions.AdvertiseAddress)),
        ["--cluster-id"] = Key(nameof(FleetOptions.ClusterId)),
        ["--name"] = Key(nameof(FleetOptions.Name)),
        ["--shutdown-delay"] = Key(nameof(ShutdownOptions.ShutdownDelaySeconds)),
        ["--drain-timeout"] = Key(nameof(ShutdownOptions.DrainTimeoutSeconds)),
        ["--http-port"] = Key(nameof(ProxyOptions.HttpPort)),
        ["--https-port"] = Key(nameof(ProxyOptions.HttpsPort)),
        ["--https-redirect-port"] = Key(nameof(ProxyOptions.HttpsRedirectPort)),
        ["--default-certificate"] = Key(nameof(TranslationOptions.DefaultCertificate)),
        ["--default-backend-service"] = Key(nameof(TranslationOptions.DefaultBackendService)),
        ["--listen-address"] = Key(nameof(ProxyOptions.ListenAddress)),
        ["--trusted-proxies"] = Key(nameof(ClientAccessOptions.TrustedProxies)),
        ["--proxy-protocol"] = Key(nameof(ClientAccessOptions.ProxyProtocol)),
        ["--ssl-passthrough"] = Key(nameof(ProxyOptions.SslPassthrough)),
        ["--admin-port"] = Key(nameof(AdminOptions.AdminPort)),
        ["--admin-address"] = Key(nameof(AdminOptions.AdminAddress)),
        ["--ingress-class"] = Key(nameof(TranslationOptions.IngressClass)),
        ["--watch-ingress-without-class"] = Key(nameof(TranslationOptions.WatchIngressWithoutClass)),
        ["--backend-loopback"] = Key(nameof(BackendAddressOptions.BackendLoopback)),
        ["--demo"] = Key(nameof(DemoOptions.Demo)),
        ["--silo-port"] = Key(nameof(FleetOptions.SiloPort)),
        ["--gateway-port"] = Key(nameof(FleetOptions.GatewayPort)),
        ["--otlp-endpoint"] = Key(nameof(TelemetryOptions.OtlpEndpoint)),
        ["--otlp-protocol"] = Key(nameof(TelemetryOptions.OtlpProtocol)),
        ["--trace-sample-ratio"] = Key(nameof(TelemetryOptions.TraceSampleRatio)),
        ["--access-log"] = Key(nameof(AccessLogOptions.AccessLog)),
        ["--log-format"] = Key(nameof(TelemetryOptions.LogFormat)),
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--demo", "--watch-ingress-without-class", "--proxy-protocol", "--ssl-passthrough" };

    /// <summary>
    /// Lets boolean switches stand alone (<c>--demo</c> for <c>--demo=true</c>) and rejects unknown
    /// switches with the list of known ones, instead of silently ignoring a typo.
    /// </summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (arg.StartsWith("--", StringComparison.Ordinal) && !SwitchMappings.ContainsKey(name) && !name.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"unknown option {name}; known options: {string.Join(", ", SwitchMappings.Keys)}");
            }

            var standsAlone = !arg.Contains('=', StringComparison.Ordinal)
                && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal));
            result.Add(Flags.Contains(name) && standsAlone ? $"{arg}=true" : arg);
        }

        return [.. result];
    }

    private static string Key(string property) => $"{HostSettings.Section}:{property}";
}

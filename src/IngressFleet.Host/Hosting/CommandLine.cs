namespace IngressFleet.Hosting;

/// <summary>Maps the documented command-line switches onto the <see cref="IngressFleetOptions"/> keys.</summary>
internal static class CommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--manifests"] = Key(nameof(IngressFleetOptions.Manifests)),
        ["--source"] = Key(nameof(IngressFleetOptions.Source)),
        ["--kubeconfig"] = Key(nameof(IngressFleetOptions.Kubeconfig)),
        ["--namespaces"] = Key(nameof(IngressFleetOptions.Namespaces)),
        ["--publish-service"] = Key(nameof(IngressFleetOptions.PublishService)),
        ["--publish-status-address"] = Key(nameof(IngressFleetOptions.PublishStatusAddress)),
        ["--cluster"] = Key(nameof(IngressFleetOptions.Cluster)),
        ["--redis"] = Key(nameof(IngressFleetOptions.Redis)),
        ["--advertise-address"] = Key(nameof(IngressFleetOptions.AdvertiseAddress)),
        ["--cluster-id"] = Key(nameof(IngressFleetOptions.ClusterId)),
        ["--name"] = Key(nameof(IngressFleetOptions.Name)),
        ["--shutdown-delay"] = Key(nameof(IngressFleetOptions.ShutdownDelaySeconds)),
        ["--drain-timeout"] = Key(nameof(IngressFleetOptions.DrainTimeoutSeconds)),
        ["--http-port"] = Key(nameof(IngressFleetOptions.HttpPort)),
        ["--https-port"] = Key(nameof(IngressFleetOptions.HttpsPort)),
        ["--https-redirect-port"] = Key(nameof(IngressFleetOptions.HttpsRedirectPort)),
        ["--default-certificate"] = Key(nameof(IngressFleetOptions.DefaultCertificate)),
        ["--listen-address"] = Key(nameof(IngressFleetOptions.ListenAddress)),
        ["--admin-port"] = Key(nameof(IngressFleetOptions.AdminPort)),
        ["--admin-address"] = Key(nameof(IngressFleetOptions.AdminAddress)),
        ["--ingress-class"] = Key(nameof(IngressFleetOptions.IngressClass)),
        ["--watch-ingress-without-class"] = Key(nameof(IngressFleetOptions.WatchIngressWithoutClass)),
        ["--demo"] = Key(nameof(IngressFleetOptions.Demo)),
        ["--silo-port"] = Key(nameof(IngressFleetOptions.SiloPort)),
        ["--gateway-port"] = Key(nameof(IngressFleetOptions.GatewayPort)),
        ["--otlp-endpoint"] = Key(nameof(IngressFleetOptions.OtlpEndpoint)),
        ["--otlp-protocol"] = Key(nameof(IngressFleetOptions.OtlpProtocol)),
        ["--trace-sample-ratio"] = Key(nameof(IngressFleetOptions.TraceSampleRatio)),
        ["--access-log"] = Key(nameof(IngressFleetOptions.AccessLog)),
        ["--log-format"] = Key(nameof(IngressFleetOptions.LogFormat)),
    };

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--demo", "--watch-ingress-without-class" };

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

    private static string Key(string property) => $"{IngressFleetOptions.Section}:{property}";
}

using System.Globalization;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.Sources.Publishing;

namespace IngressFleet.Host.Demo;

/// <summary>What <c>--demo</c> changes: the sample manifests, redirects to the silo's own HTTPS port, and the echo backends.</summary>
internal static class DemoSetup
{
    /// <summary>Fills in the demo's defaults for what the command line left unset.</summary>
    public static void ApplyDefaults(IConfigurationSection section)
    {
        if (!bool.TryParse(section[nameof(DemoOptions.Demo)], out var demo) || !demo)
        {
            return;
        }

        if (string.IsNullOrEmpty(section[nameof(SourceOptions.Manifests)]))
        {
            section[nameof(SourceOptions.Manifests)] = FindDemoManifests();
        }

        if (section[nameof(ProxyOptions.HttpsRedirectPort)] is null)
        {
            // No load balancer in front of the demo: redirects go to the silo's own HTTPS port.
            section[nameof(ProxyOptions.HttpsRedirectPort)] = section[nameof(ProxyOptions.HttpsPort)] ?? new ProxyOptions().HttpsPort.ToString(CultureInfo.InvariantCulture);
        }
    }

    public static void AddBackends(IServiceCollection services, DemoOptions options)
    {
        if (options.Demo)
        {
            services.AddHostedService<DemoBackends>();
        }
    }

    /// <summary>
    /// deploy/local/demo of the checkout this runs from: looked for above the working directory (which
    /// <c>dotnet run</c> sets to the project) and above the binaries.
    /// </summary>
    private static string FindDemoManifests()
    {
        var relative = Path.Combine("deploy", "local", "demo");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return relative;
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using IngressFleet.Admin;
using IngressFleet.Config;
using IngressFleet.Demo;
using IngressFleet.Fleet;
using IngressFleet.Proxy;
using IngressFleet.Sources;
using IngressFleet.Telemetry;
using OpenTelemetry.Metrics;
using System.Diagnostics;
using IngressFleet.Translation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IngressFleet.Hosting;

/// <summary>
/// Builds the one IngressFleet process: an Orleans silo holding the control plane, a manifest source
/// feeding it, and Kestrel serving the proxy and, on its own port, the admin API.
/// </summary>
public static class IngressFleetHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddCommandLine(CommandLine.Normalize(args), CommandLine.SwitchMappings);
        var section = builder.Configuration.GetSection(IngressFleetOptions.Section);
        var options = section.Get<IngressFleetOptions>() ?? new IngressFleetOptions();
        if (options.Demo && string.IsNullOrEmpty(options.Manifests))
        {
            section[nameof(IngressFleetOptions.Manifests)] = options.Manifests = FindDemoManifests();
        }

        Validate(options);
        builder.Services.AddOptions<IngressFleetOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.HttpPort);
            if (options.HttpsPort is { } httpsPort)
            {
                var certificate = DefaultCertificate.Create(TimeProvider.System);
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), httpsPort, listen => listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                }));
            }

            kestrel.Listen(IPAddress.Parse(options.AdminAddress), options.AdminPort);
        });

        builder.UseOrleans(silo => SiloSetup.Configure(silo, options));

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpForwarder();
        services.AddSingleton<DataPlane>();
        services.AddSingleton<ProxyHandler>();
        services.AddSingleton(new IngressClassFilter(options.IngressClass, options.WatchIngressWithoutClass));
        services.AddSingleton<Readiness>();
        TelemetrySetup.Configure(builder, options);
        services.AddSingleton<GracefulShutdown>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownDelaySeconds + options.DrainTimeoutSeconds + 15));
        if (options.Demo)
        {
            services.AddHostedService<DemoBackends>();
        }

        // Hosted services start in this order, after the silo, and stop in the reverse order: the proxy
        // subscribes before a source publishes, and on shutdown draining comes first, leaving the cluster last.
        services.AddSingleton<ConfigSubscriber>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigSubscriber>());
        services.AddSingleton<IConfigSource, ManifestFolderSource>();
        services.AddSingleton<SourceRunner>();
        if (!string.IsNullOrEmpty(options.Manifests))
        {
            services.AddHostedService(sp => sp.GetRequiredService<SourceRunner>());
        }

        services.AddHostedService<FleetReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());

        var app = builder.Build();
        var adminPort = options.AdminPort;
        app.MapWhen(
            context => context.Connection.LocalPort == adminPort,
            admin =>
            {
                // Scrapes and health probes are not traffic: their server spans are never exported.
                admin.Use((context, next) =>
                {
                    if (Activity.Current is { } activity)
                    {
                        activity.IsAllDataRequested = false;
                        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                    }

                    return next(context);
                });
                admin.UseRouting();
                admin.UseEndpoints(endpoints =>
                {
                    AdminApi.Map(endpoints);
                    endpoints.MapPrometheusScrapingEndpoint("/metrics");
                });
            });
        app.Run(app.Services.GetRequiredService<ProxyHandler>().InvokeAsync);
        return app;
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

    private static void Validate(IngressFleetOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(
                IngressFleetOptions.Section,
                typeof(IngressFleetOptions),
                results.Select(r => r.ErrorMessage ?? "invalid option"));
        }
    }
}

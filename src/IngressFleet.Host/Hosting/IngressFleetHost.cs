using System.ComponentModel.DataAnnotations;
using System.Net;
using IngressFleet.Admin;
using IngressFleet.Config;
using IngressFleet.Demo;
using IngressFleet.Fleet;
using IngressFleet.Proxy;
using IngressFleet.Sources;
using IngressFleet.Telemetry;
using IngressFleet.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
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

        if (options.Demo && section[nameof(IngressFleetOptions.HttpsRedirectPort)] is null)
        {
            // No load balancer in front of the demo: redirects go to the silo's own HTTPS port.
            section[nameof(IngressFleetOptions.HttpsRedirectPort)] = options.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            options.HttpsRedirectPort = options.HttpsPort;
        }

        Validate(options);
        builder.Services.AddOptions<IngressFleetOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.HttpPort);
            if (options.HttpsPort != 0)
            {
                var selector = kestrel.ApplicationServices.GetRequiredService<DataPlane>();
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.HttpsPort, listen =>
                {
                    // ALPN offers h2 and http/1.1; the certificate is picked per handshake by SNI from the
                    // certificates of the config version in force, so a rotated Secret is used by the next handshake.
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = context => ValueTask.FromResult(selector.Current.Certificates.Select(context.ClientHelloInfo.ServerName).Options),
                        HandshakeTimeout = TimeSpan.FromSeconds(10),
                    });
                });
            }

            kestrel.Listen(IPAddress.Parse(options.AdminAddress), options.AdminPort);
        });

        builder.UseOrleans(silo => SiloSetup.Configure(silo, options));

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpForwarder();
        services.AddSingleton(sp => new TlsSettings(
            ServerCertificate.SelfSigned(DefaultCertificate.Create(sp.GetRequiredService<TimeProvider>())),
            options.DefaultCertificate));
        services.AddSingleton(sp => new DataPlane(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TlsSettings>()));
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
        services.AddHostedService<Health.HealthSubscriber>();
        services.AddSingleton<Health.HealthReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<Health.HealthReporter>());
        services.AddHostedService<Health.ActiveProber>();
        services.AddSingleton<Limits.FleetLimits>();
        services.AddHostedService(sp => sp.GetRequiredService<Limits.FleetLimits>());
        // Without a source the silo only serves what the fleet's source holder publishes; the folder
        // source is registered then too, never run, since the fleet reporter asks the runner about it.
        if (options.EffectiveSource == SourceKind.Kubernetes)
        {
            services.AddSingleton<IConfigSource, Sources.Kubernetes.KubernetesSource>();
        }
        else
        {
            services.AddSingleton<IConfigSource, ManifestFolderSource>();
        }

        services.AddSingleton<SourceRunner>();
        if (options.EffectiveSource is not null)
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

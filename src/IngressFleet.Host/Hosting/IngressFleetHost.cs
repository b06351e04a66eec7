using IngressFleet.DataPlane;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.Distribution;
using IngressFleet.Distribution.Fleet;
using IngressFleet.Host.Admin;
using IngressFleet.Host.Demo;
using IngressFleet.Host.Membership;
using IngressFleet.Host.Telemetry;
using IngressFleet.Sources;

namespace IngressFleet.Host.Hosting;

/// <summary>
/// Builds the one IngressFleet process: an Orleans silo holding the control plane, a source feeding it on the
/// silo that holds the source lease, the distribution loops that keep this silo's data plane current, and
/// Kestrel serving the proxy and, on its own port, the admin API.
/// </summary>
public static class IngressFleetHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(CommandLine.Normalize(args), CommandLine.SwitchMappings);
        var section = builder.Configuration.GetSection(HostSettings.Section);
        DemoSetup.ApplyDefaults(section);
        var settings = HostSettings.Read(section);
        settings.Register(builder.Services);

        builder.WebHost.ConfigureKestrel(kestrel => Listeners.Configure(kestrel, settings));
        builder.UseOrleans(silo => SiloSetup.Configure(silo, settings.Fleet));
        TelemetrySetup.Configure(builder, settings.Telemetry, settings.Fleet.EffectiveName);

        var services = builder.Services;
        services.AddSingleton<GracefulShutdown>();
        services.AddSingleton<IDrainSignal>(sp => sp.GetRequiredService<GracefulShutdown>());
        services.AddSingleton(settings.BackendAddresses());
        services.AddSingleton<Readiness>();
        services.AddSingleton<MembershipTableRepair>();
        services.AddSingleton<ILocalSiloStatus, LocalSiloStatus>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Shutdown.ShutdownDelaySeconds + settings.Shutdown.DrainTimeoutSeconds + 15));
        DemoSetup.AddBackends(services, settings.Demo);

        // Hosted services start in this order, after the silo, and stop in the reverse order: the silo
        // follows the config before a source publishes, and on shutdown draining comes first, leaving the cluster last.
        services.AddDataPlane();
        services.AddDistribution();
        services.AddSources(settings.Sources);
        services.AddHostedService(sp => sp.GetRequiredService<MembershipTableRepair>());
        services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());

        var app = builder.Build();
        AdminApi.MapOnPort(app, settings.Admin.AdminPort);
        app.RunProxy();
        return app;
    }
}

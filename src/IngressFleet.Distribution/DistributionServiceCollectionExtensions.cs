using IngressFleet.DataPlane.Health;
using IngressFleet.Distribution.Config;
using IngressFleet.Distribution.Fleet;
using IngressFleet.Distribution.Health;
using IngressFleet.Distribution.Limits;

namespace IngressFleet.Distribution;

/// <summary>Registers the loops that connect this silo's data plane with the control plane's grains.</summary>
public static class DistributionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the config and health followers, the passive-health reporter (the data plane's
    /// <see cref="IPassiveHealthSink"/>), the active prober, the limit lease renewer and the fleet reporter.
    /// The caller provides an <see cref="ILocalSiloStatus"/>. Hosted services start in this order, so the
    /// config follower subscribes before any source publishes.
    /// </summary>
    public static IServiceCollection AddDistribution(this IServiceCollection services)
    {
        services.AddSingleton<ConfigFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfigFollower>());
        services.AddHostedService<HealthFollower>();
        services.AddSingleton<HealthReporter>();
        services.AddSingleton<IPassiveHealthSink>(sp => sp.GetRequiredService<HealthReporter>());
        services.AddHostedService(sp => sp.GetRequiredService<HealthReporter>());
        services.AddHostedService<ActiveProber>();
        services.AddHostedService<LimitLeaseRenewer>();
        services.AddHostedService<FleetReporter>();
        return services;
    }
}

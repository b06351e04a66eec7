using IngressFleet.Core.Translation;
using IngressFleet.Sources.Kubernetes;
using IngressFleet.Sources.ManifestFolder;
using IngressFleet.Sources.Publishing;
using Microsoft.Extensions.Options;

namespace IngressFleet.Sources;

/// <summary>Registers the config source of <see cref="SourceOptions"/> and the runner that runs it on the lease holder only.</summary>
public static class SourcesServiceCollectionExtensions
{
    /// <summary>
    /// Adds the source. Without one configured the silo only serves what the fleet's source holder publishes;
    /// the runner is registered then too, never run, since the fleet view asks it whether it runs the source.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services, SourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp =>
        {
            var translation = sp.GetRequiredService<IOptions<TranslationOptions>>().Value;
            return new IngressClassFilter(translation.IngressClass, translation.WatchIngressWithoutClass);
        });
        if (options.EffectiveSource == SourceKind.Kubernetes)
        {
            services.AddSingleton<IConfigSource, KubernetesSource>();
        }
        else
        {
            services.AddSingleton<IConfigSource, ManifestFolderSource>();
        }

        services.AddSingleton<SourceInput>();
        services.AddSingleton<SourceRunner>();
        if (options.EffectiveSource is not null)
        {
            services.AddHostedService(sp => sp.GetRequiredService<SourceRunner>());
        }

        return services;
    }
}

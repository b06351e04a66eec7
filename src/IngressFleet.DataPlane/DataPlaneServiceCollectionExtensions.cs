using IngressFleet.Core.Translation;
using IngressFleet.DataPlane.Admission;
using IngressFleet.DataPlane.Health;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.State;
using IngressFleet.DataPlane.Telemetry;
using IngressFleet.DataPlane.Tls;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IngressFleet.DataPlane;

/// <summary>Registers the data plane: the config in force, the proxy handler and what it needs on the request path.</summary>
public static class DataPlaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the data plane. The caller provides an <see cref="IDrainSignal"/> and an
    /// <see cref="IPassiveHealthSink"/> and a <see cref="Core.AddressPolicy.BackendAddressPolicy"/>, and binds <see cref="ProxyOptions"/>, <see cref="ClientIdentity.ClientAccessOptions"/>, <see cref="AccessLogOptions"/>
    /// and <see cref="TranslationOptions"/>.
    /// </summary>
    public static IServiceCollection AddDataPlane(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpForwarder();
        services.AddSingleton(sp => new TlsSettings(
            ServerCertificate.SelfSigned(SelfSignedCertificate.Create(sp.GetRequiredService<TimeProvider>())),
            sp.GetRequiredService<IOptions<TranslationOptions>>().Value.DefaultCertificate));
        services.AddSingleton(sp => new ConfigInForce(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<TlsSettings>()));
        services.AddSingleton<AdmissionControl>();
        services.AddSingleton<RequestCounters>();
        services.AddSingleton<AccessLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<RequestTelemetry>();
        services.AddSingleton<BackendConnector>();
        services.AddSingleton<BackendClients>();
        services.AddSingleton<FastPath.Http1ConnectionPool>();
        services.AddSingleton<FastPath.Http1Forwarder>();
        services.AddSingleton<ClientIdentity.ClientAddressResolver>();
        services.AddSingleton<Authentication.BasicAuthGate>();
        services.AddSingleton<Authentication.ExternalAuthenticator>();
        services.AddSingleton<AccessControl.AccessGate>();
        services.AddSingleton<ProxyHandler>();
        return services;
    }

    /// <summary>The proxy as the application's terminal handler: every request that reaches it is proxied.</summary>
    public static void RunProxy(this IApplicationBuilder app) =>
        app.Run(app.ApplicationServices.GetRequiredService<ProxyHandler>().InvokeAsync);

}

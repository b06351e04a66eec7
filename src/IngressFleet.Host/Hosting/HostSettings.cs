using System.ComponentModel.DataAnnotations;
using IngressFleet.Core.Translation;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.Telemetry;
using IngressFleet.Distribution;
using IngressFleet.Grains.Contracts.Health;
using IngressFleet.Grains.Contracts.Limits;
using IngressFleet.Host.Admin;
using IngressFleet.Host.Demo;
using IngressFleet.Host.Telemetry;
using IngressFleet.Sources.Publishing;
using Microsoft.Extensions.Options;

namespace IngressFleet.Host.Hosting;

/// <summary>
/// Every feature's options, read from one flat configuration section (<c>IngressFleet</c>: command line
/// <c>--http-port</c>, environment <c>IngressFleet__HttpPort</c>, appsettings) and validated together at start,
/// before anything listens. Each feature's type lives with the feature; this is the one place that knows them all.
/// </summary>
public sealed record HostSettings(
    FleetOptions Fleet,
    ProxyOptions Proxy,
    AdminOptions Admin,
    SourceOptions Sources,
    TranslationOptions Translation,
    DistributionOptions Distribution,
    HealthOptions Health,
    LimitOptions Limits,
    AccessLogOptions AccessLog,
    TelemetryOptions Telemetry,
    ShutdownOptions Shutdown,
    DemoOptions Demo)
{
    /// <summary>The configuration section every option is read from.</summary>
    public const string Section = "IngressFleet";

    /// <summary>Every options type, in the order the documentation lists them.</summary>
    public static IReadOnlyList<Type> OptionsTypes { get; } =
    [
        typeof(ProxyOptions), typeof(AdminOptions), typeof(TranslationOptions), typeof(SourceOptions), typeof(FleetOptions),
        typeof(DistributionOptions), typeof(HealthOptions), typeof(LimitOptions), typeof(AccessLogOptions), typeof(TelemetryOptions),
        typeof(ShutdownOptions), typeof(DemoOptions),
    ];

    /// <summary>Reads and validates every feature's options; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static HostSettings Read(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var settings = new HostSettings(
            Get<FleetOptions>(section), Get<ProxyOptions>(section), Get<AdminOptions>(section), Get<SourceOptions>(section),
            Get<TranslationOptions>(section), Get<DistributionOptions>(section), Get<HealthOptions>(section), Get<LimitOptions>(section),
            Get<AccessLogOptions>(section), Get<TelemetryOptions>(section), Get<ShutdownOptions>(section), Get<DemoOptions>(section));
        var errors = settings.All().SelectMany(Errors).Concat(settings.CrossChecks()).ToList();
        return errors.Count == 0 ? settings : throw new OptionsValidationException(Section, typeof(HostSettings), errors);
    }

    /// <summary>Binds every feature's options from <paramref name="section"/> for injection, validated again at start.</summary>
    public static void Register(IServiceCollection services, IConfigurationSection section)
    {
        Add<FleetOptions>(services, section);
        Add<ProxyOptions>(services, section);
        Add<AdminOptions>(services, section);
        Add<SourceOptions>(services, section);
        Add<TranslationOptions>(services, section);
        Add<DistributionOptions>(services, section);
        Add<HealthOptions>(services, section);
        Add<LimitOptions>(services, section);
        Add<AccessLogOptions>(services, section);
        Add<TelemetryOptions>(services, section);
        Add<ShutdownOptions>(services, section);
        Add<DemoOptions>(services, section);
    }

    private IEnumerable<object> All() => [Fleet, Proxy, Admin, Sources, Translation, Distribution, Health, Limits, AccessLog, Telemetry, Shutdown, Demo];

    private IEnumerable<string> CrossChecks()
    {
        var ports = new[] { Proxy.HttpPort, Admin.AdminPort, Fleet.SiloPort, Fleet.GatewayPort }.Concat(Proxy.HttpsPort != 0 ? [Proxy.HttpsPort] : []).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            yield return "HttpPort, HttpsPort, AdminPort, SiloPort and GatewayPort must all differ";
        }
    }

    private static T Get<T>(IConfigurationSection section)
        where T : class, new() => section.Get<T>() ?? new T();

    private static IEnumerable<string> Errors(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? $"invalid {options.GetType().Name}");
    }

    private static void Add<T>(IServiceCollection services, IConfigurationSection section)
        where T : class =>
        services.AddOptions<T>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
}

using System.ComponentModel.DataAnnotations;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Translation;
using IngressFleet.DataPlane.ClientIdentity;
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
/// <c>--http-port</c>, environment <c>IngressFleet__HttpPort</c>, appsettings) and validated once, together,
/// before anything listens. Each feature's type lives with the feature; this is the one place that knows them all.
/// </summary>
public sealed class HostSettings
{
    /// <summary>The configuration section every option is read from.</summary>
    public const string Section = "IngressFleet";

    private readonly IReadOnlyDictionary<Type, object> _options;

    private HostSettings(IReadOnlyDictionary<Type, object> options) => _options = options;

    /// <summary>Every options type, in the order the documentation lists them.</summary>
    public static IReadOnlyList<Type> OptionsTypes { get; } =
    [
        typeof(ProxyOptions), typeof(ClientAccessOptions), typeof(AdminOptions), typeof(TranslationOptions), typeof(BackendAddressOptions), typeof(SourceOptions), typeof(FleetOptions),
        typeof(DistributionOptions), typeof(HealthOptions), typeof(LimitOptions), typeof(AccessLogOptions), typeof(TelemetryOptions),
        typeof(ShutdownOptions), typeof(DemoOptions),
    ];

    public FleetOptions Fleet => Get<FleetOptions>();

    public ProxyOptions Proxy => Get<ProxyOptions>();

    public AdminOptions Admin => Get<AdminOptions>();

    public SourceOptions Sources => Get<SourceOptions>();

    public TranslationOptions Translation => Get<TranslationOptions>();

    public TelemetryOptions Telemetry => Get<TelemetryOptions>();

    public ShutdownOptions Shutdown => Get<ShutdownOptions>();

    public DemoOptions Demo => Get<DemoOptions>();

    /// <summary>Every port this silo listens on: proxy, admin, silo and gateway.</summary>
    public IReadOnlyList<int> ListeningPorts =>
        [Proxy.HttpPort, Admin.AdminPort, Fleet.SiloPort, Fleet.GatewayPort, .. Proxy.HttpsPort != 0 ? [Proxy.HttpsPort] : Array.Empty<int>()];

    /// <summary>The backend address policy of this silo: its own ports, and loopback as the source implies.</summary>
    public BackendAddressPolicy BackendAddresses() =>
        new(Get<BackendAddressOptions>(), Sources.EffectiveSource == SourceKind.Kubernetes, ListeningPorts);

    /// <summary>Reads and validates every feature's options; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static HostSettings Read(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<string>();
        var options = new Dictionary<Type, object>();
        foreach (var type in OptionsTypes)
        {
            try
            {
                options[type] = section.Get(type) ?? Activator.CreateInstance(type)!;
            }
            catch (InvalidOperationException e)
            {
                // A value of the wrong form (a port that is not a number, a duration that is not one): the binder's
                // message names the key and the value.
                errors.Add(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(HostSettings), errors);
        }

        var settings = new HostSettings(options);
        errors.AddRange(options.Values.SelectMany(Errors).Concat(settings.CrossChecks()));
        return errors.Count == 0 ? settings : throw new OptionsValidationException(Section, typeof(HostSettings), errors);
    }

    public T Get<T>()
        where T : class => (T)_options[typeof(T)];

    /// <summary>Makes the validated options injectable as <see cref="IOptions{TOptions}"/>: the instances read here, not bound again.</summary>
    public void Register(IServiceCollection services)
    {
        foreach (var (type, value) in _options)
        {
            services.AddSingleton(typeof(IOptions<>).MakeGenericType(type), Activator.CreateInstance(typeof(OptionsWrapper<>).MakeGenericType(type), value)!);
        }
    }

    private IEnumerable<string> CrossChecks()
    {
        if (ListeningPorts.Distinct().Count() != ListeningPorts.Count)
        {
            yield return "HttpPort, HttpsPort, AdminPort, SiloPort and GatewayPort must all differ";
        }
    }

    private static IEnumerable<string> Errors(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? $"invalid {options.GetType().Name}");
    }
}

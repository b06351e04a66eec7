using System.ComponentModel.DataAnnotations;
using System.Net;

namespace IngressFleet.Host.Hosting;

/// <summary>How silos form a fleet: membership, identity, failure detection and the silo's own ports.</summary>
public sealed class FleetOptions : IValidatableObject
{
    /// <summary>How silos find each other and where grain state lives. Default Standalone.</summary>
    public ClusterMode Cluster { get; set; } = ClusterMode.Standalone;

    /// <summary>The Redis server of a fleet (<c>host:port</c>, or any StackExchange.Redis configuration string).</summary>
    public string? Redis { get; set; }

    /// <summary>The address other silos reach this one at. Default 127.0.0.1 (a fleet on one machine); the pod IP in Kubernetes.</summary>
    public string AdvertiseAddress { get; set; } = "127.0.0.1";

    /// <summary>The Orleans cluster id: silos with the same id and Redis form one fleet. Default <c>ingressfleet</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][-A-Za-z0-9_.]*$")]
    public string ClusterId { get; set; } = "ingressfleet";

    /// <summary>This silo's name in the fleet view. Default <c>silo-</c> and the silo port.</summary>
    public string? Name { get; set; }

    /// <summary>Orleans silo-to-silo port. Default 11111.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port. Default 30000.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// How long a membership probe may take before it counts as missed (Orleans adapts it from here). With
    /// the next two settings a SIGKILLed silo is declared dead in 1–3 s on a LAN (Orleans' defaults take
    /// 10–15 s); the price is that a silo stalled that long (a long GC pause, CPU starvation) is declared dead
    /// too and must restart to rejoin. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo suspects another. Default 2.</summary>
    [Range(1, 10)]
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions needed to declare a silo dead. Default 1.</summary>
    [Range(1, 10)]
    public int NumVotesForDeathDeclaration { get; set; } = 1;

    /// <summary>How many other silos each silo probes. Default 2.</summary>
    [Range(1, 10)]
    public int NumProbedSilos { get; set; } = 2;

    /// <summary>How often each silo rereads the membership table. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MembershipTableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the config and health streams are polled for new events. The streams are the second path (the
    /// grains push each delta to every silo first), so this bounds delay only when a push was missed, and costs
    /// idle CPU the shorter it is (each poll of a queue held on another silo is a message there and back). Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The silo name used when <see cref="Name"/> is not set.</summary>
    public string EffectiveName => string.IsNullOrEmpty(Name) ? $"silo-{SiloPort}" : Name;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Cluster == ClusterMode.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult("--cluster redis needs --redis HOST:PORT", [nameof(Redis)]);
        }

        if (!IPAddress.TryParse(AdvertiseAddress, out _))
        {
            yield return new ValidationResult($"AdvertiseAddress \"{AdvertiseAddress}\" is not an IP address", [nameof(AdvertiseAddress)]);
        }
    }
}

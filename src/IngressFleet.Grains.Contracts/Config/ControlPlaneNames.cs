namespace IngressFleet.Grains.Contracts.Config;

/// <summary>Names of the stream on which the config grain publishes every version's delta.</summary>
public static class ControlPlaneNames
{
    /// <summary>The stream provider every silo registers.</summary>
    public const string ProviderName = "ingressfleet-config";

    /// <summary>The grain storage that holds stream subscriptions.</summary>
    public const string PubSubStorageName = "PubSubStore";

    /// <summary>The storage that holds config state (memory standalone, Redis in a fleet).</summary>
    public const string StorageName = "ingressfleet";

    /// <summary>The one stream of config deltas.</summary>
    public static StreamId Id { get; } = StreamId.Create("ingressfleet.config", "fleet");

    /// <summary>The one stream of health deltas.</summary>
    public static StreamId HealthId { get; } = StreamId.Create("ingressfleet.health", "fleet");

    /// <summary>The key of the one config grain of a fleet.</summary>
    public const string FleetKey = "fleet";
}

namespace IngressFleet.Grains.Contracts.Config;

/// <summary>A config version and when the config grain committed it (for the fleet page's timeline).</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.VersionCommit")]
public sealed record VersionCommit(long Version, DateTimeOffset At);

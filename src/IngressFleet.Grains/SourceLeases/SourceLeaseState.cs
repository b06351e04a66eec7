namespace IngressFleet.Grains.SourceLeases;

/// <summary>What the lease grain persists.</summary>
[GenerateSerializer, Alias("ingressfleet.SourceLeaseState")]
public sealed class SourceLeaseState
{
    [Id(0)] public string? Holder { get; set; }

    [Id(1)] public long Term { get; set; }

    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}

namespace IngressFleet.Grains.Limits;

/// <summary>What a limit grain persists: until when leases it granted may still be in use.</summary>
[GenerateSerializer, Alias("ingressfleet.LimitLeaseMarker")]
public sealed class LimitLeaseMarker
{
    [Id(0)] public DateTimeOffset LeasesValidUntil { get; set; }
}

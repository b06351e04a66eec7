namespace IngressFleet.Grains.Limits;

/// <summary>What a limit grain persists: until when leases it granted may still be in use.</summary>
[GenerateSerializer, Alias("ingressfleet.LimitLeaseMarker")]
public sealed class LimitLeaseMarker
{
    [Id(0)] public DateTimeOffset LeasesValidUntil { get; set; }

    /// <summary>
    /// The activation that wrote this deactivated and every lease it granted lapses by
    /// <see cref="LeasesValidUntil"/>. Otherwise (it died, or granted while the store was down) a successor
    /// cannot know its last grants and waits out a full lease.
    /// </summary>
    [Id(1)] public bool ClosedCleanly { get; set; }
}

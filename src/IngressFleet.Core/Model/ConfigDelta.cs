namespace IngressFleet.Core.Model;

/// <summary>A change published on the config stream: it turns <see cref="PreviousVersion"/> into <see cref="Version"/>.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ConfigDelta")]
public sealed record ConfigDelta(long PreviousVersion, long Version, ConfigChange Change)
{
    /// <summary>The change was too large to send on the stream: fetch the snapshot of <see cref="Version"/>.</summary>
    [Id(0)]
    public bool SnapshotRequired { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the commit, when it was traced: each silo's apply joins that trace, so
    /// one config change is one trace across the fleet (stream events carry no trace context of their own).
    /// </summary>
    [Id(1)]
    public string? TraceParent { get; init; }

    /// <summary>When the control plane committed this version, to measure each silo's propagation lag.</summary>
    [Id(2)]
    public DateTimeOffset CommittedAt { get; init; }
}

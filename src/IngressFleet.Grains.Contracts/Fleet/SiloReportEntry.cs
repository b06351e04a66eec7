namespace IngressFleet.Grains.Contracts.Fleet;

/// <summary>A silo's last report and when the fleet grain received it.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.SiloReportEntry")]
public sealed record SiloReportEntry(SiloReport Report, DateTimeOffset ReceivedAt);

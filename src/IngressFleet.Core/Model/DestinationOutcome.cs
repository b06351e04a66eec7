namespace IngressFleet.Core.Model;

/// <summary>What one silo saw of one destination since its last report.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.DestinationOutcome")]
public sealed record DestinationOutcome(string Destination, int Successes, int Failures);

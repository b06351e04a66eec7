namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>What one client asked of one silo since its last report: requests per second, and requests wanted in flight at once.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientDemand")]
public sealed record ClientDemand(string Client, double RequestsPerSecond, int Connections);

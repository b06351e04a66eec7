namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>A per-client limit's fleet-wide state for the admin API: clients reported, and those seen on more than one silo.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientLimitView")]
public sealed record ClientLimitView(string Key, int Clients, int SharedClients, string? GrainSilo);

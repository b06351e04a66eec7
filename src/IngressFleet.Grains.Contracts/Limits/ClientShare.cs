namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>A silo's part of one client's limits, while the client is seen on other silos too: a fraction of each rate and a number of requests in flight.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.ClientShare")]
public sealed record ClientShare(string Client, double RateFraction, int Connections);

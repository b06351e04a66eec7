namespace IngressFleet.Core.Model;

/// <summary>The key of consistent hashing: a header or cookie (by name), or the client address.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.HashKey")]
public sealed record HashKey(HashSource Source, string? Name);

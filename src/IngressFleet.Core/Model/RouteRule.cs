namespace IngressFleet.Core.Model;

/// <summary>One path of one rule of an Ingress, validated. <see cref="Host"/> is null for "any host".</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.RouteRule")]
public sealed record RouteRule(string? Host, string Path, PathMatch Match, BackendRef Backend);

namespace IngressFleet.Core.Model;

/// <summary>A destination that takes no new requests, why, since when, until when, and who decided it.</summary>
/// <param name="Destination">The destination, <c>ip:port</c>.</param>
/// <param name="Reason">What the decision was based on, e.g. "6 of 8 requests failed in 10 s".</param>
/// <param name="Since">When it was ejected.</param>
/// <param name="Until">When it returns without a probe; null while active probing holds it out.</param>
/// <param name="DecidedBy">The silo whose backend grain decided it.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.EjectedDestination")]
public sealed record EjectedDestination(string Destination, string Reason, DateTimeOffset Since, DateTimeOffset? Until, string DecidedBy);

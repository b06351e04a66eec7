namespace IngressFleet.Core.Model;

/// <summary>
/// Every request of an Ingress answered with a redirect instead of being proxied (ingress-nginx's
/// <c>permanent-redirect</c> and <c>temporal-redirect</c>): <see cref="Location"/> may use nginx variables
/// such as <c>$request_uri</c>, filled per request.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.FixedRedirect")]
public sealed record FixedRedirect(string Location, int Status);

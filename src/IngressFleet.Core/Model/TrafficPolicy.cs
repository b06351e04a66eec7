namespace IngressFleet.Core.Model;

/// <summary>Destination choice for an Ingress's requests.</summary>
/// <param name="LoadBalancing">The policy.</param>
/// <param name="HashBy">The key when <see cref="LoadBalancing"/> is <see cref="LoadBalancingPolicy.ConsistentHash"/>.</param>
/// <param name="AffinityCookie">With cookie affinity, the cookie naming the destination a client sticks to.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.TrafficPolicy")]
public sealed record TrafficPolicy(LoadBalancingPolicy LoadBalancing, HashKey? HashBy, string? AffinityCookie)
{
    public static TrafficPolicy Default { get; } = new(LoadBalancingPolicy.PowerOfTwoChoices, null, null);

    /// <summary>The affinity cookie's attributes.</summary>
    [Id(0)]
    public AffinityCookieAttributes Cookie { get; init; } = AffinityCookieAttributes.Default;
}

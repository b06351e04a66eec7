namespace IngressFleet.Core.Model;

/// <summary>
/// An Ingress that is a canary of another (ingress-nginx's <c>canary: "true"</c>): its rules do not compete for
/// their host and path, they send part of the main Ingress's requests there to its own backend. Which requests:
/// the header first, then the cookie, then the weight, as in ingress-nginx.
/// </summary>
/// <param name="Header">A request header that chooses: <c>always</c> the canary, <c>never</c> the main backend (<c>canary-by-header</c>).</param>
/// <param name="HeaderValue">With <see cref="Header"/>: this value chooses the canary instead of <c>always</c> (<c>canary-by-header-value</c>).</param>
/// <param name="HeaderPattern">With <see cref="Header"/>: a value matching this regular expression chooses the canary (<c>canary-by-header-pattern</c>).</param>
/// <param name="Cookie">A cookie that chooses: <c>always</c> the canary, <c>never</c> the main backend (<c>canary-by-cookie</c>).</param>
/// <param name="Weight">Out of <see cref="WeightTotal"/>, the share of other requests sent to the canary (<c>canary-weight</c>).</param>
/// <param name="WeightTotal">What <see cref="Weight"/> is out of (<c>canary-weight-total</c>, default 100).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.CanaryPolicy")]
public sealed record CanaryPolicy(string? Header, string? HeaderValue, string? HeaderPattern, string? Cookie, int Weight, int WeightTotal);

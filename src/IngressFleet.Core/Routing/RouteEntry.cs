using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// One entry of the route table, with everything the request path needs precomputed
/// (the backend key is built once here, not per request).
/// </summary>
/// <param name="Host">The rule host, null for any host.</param>
/// <param name="Path">The rule path; empty for an Ingress default backend.</param>
/// <param name="Match">How <see cref="Path"/> matches.</param>
/// <param name="Backend">The Service port it forwards to.</param>
/// <param name="Ingress">The Ingress (<c>namespace/name</c>) it came from.</param>
public sealed record RouteEntry(string? Host, string Path, PathMatch Match, BackendRef Backend, string Ingress)
{
    /// <summary><see cref="BackendRef.Key"/>, computed once.</summary>
    public string BackendKey { get; } = Backend.Key;

    /// <summary>What the source Ingress's annotations set.</summary>
    public IngressOptions Options { get; init; } = IngressOptions.Default;

    /// <summary>Plain-HTTP requests get a 308 to HTTPS: the Ingress serves this rule's host with TLS and does not turn redirects off.</summary>
    public bool RedirectToHttps { get; init; }

    /// <summary>How the path is rewritten before forwarding (ingress-nginx's <c>rewrite-target</c>), if it is.</summary>
    public PathRewrite? Rewrite { get; init; }

    /// <summary>Every request is redirected (308) to the same URL on this host instead (<c>from-to-www-redirect</c>), if set.</summary>
    public string? RedirectToHost { get; init; }

    /// <summary>The backend statuses the Ingress's error backend answers instead (<c>custom-http-errors</c>); empty for none.</summary>
    public System.Collections.Frozen.FrozenSet<int> ErrorCodes { get; init; } = System.Collections.Frozen.FrozenSet<int>.Empty;

    /// <summary>The canary that takes part of this route's requests, if an Ingress is one (<c>canary: "true"</c>).</summary>
    public CanaryRoute? Canary { get; init; }
}

using System.Net;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Model;
using Microsoft.Extensions.Options;

namespace IngressFleet.DataPlane.ClientIdentity;

/// <summary>
/// Settles, once per request and before anything reads it, who the client is: the TCP peer (or the PROXY
/// protocol source, set on the connection already), unless that peer is a trusted proxy, in which case the
/// client is the rightmost <c>X-Forwarded-For</c> entry that is not itself a trusted proxy (nginx's
/// <c>real_ip_recursive on</c>). The result replaces <see cref="ConnectionInfo.RemoteIpAddress"/>, so source
/// ranges, hashing, <c>X-Real-IP</c>, <c>X-Forwarded-For</c>, the access log and traces all see the same address.
/// </summary>
public sealed class ClientAddressResolver
{
    private readonly IReadOnlyList<IPNetwork> _trusted;
    private readonly bool _fullForwardedFor;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SourceRanges, SourceRanges> _merged = [];

    public ClientAddressResolver(IOptions<ClientAccessOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _trusted = CidrList.Parse(options.Value.TrustedProxies);
        _fullForwardedFor = options.Value.ComputeFullForwardedFor;
        var allow = Canonical(options.Value.DefaultAllowSourceRanges);
        var deny = Canonical(options.Value.DefaultDenySourceRanges);
        DefaultSourceRanges = allow.Length == 0 && deny.Length == 0 ? null : new SourceRanges(allow, deny);
    }

    /// <summary>The source ranges of Ingresses that set none (the global options), if any.</summary>
    public SourceRanges? DefaultSourceRanges { get; }

    /// <summary>
    /// An Ingress's own lists, each falling back to the global one. The merge is made once per Ingress list (a
    /// config version's instance) and kept with it, so a request neither allocates nor parses networks again.
    /// </summary>
    public SourceRanges? RangesFor(SourceRanges? own) =>
        (own, DefaultSourceRanges) switch
        {
            (null, var global) => global,
            (var mine, null) => mine,
            var (mine, global) => _merged.GetValue(mine, m => new SourceRanges(m.Allow.Length > 0 ? m.Allow : global.Allow, m.Deny.Length > 0 ? m.Deny : global.Deny)),
        };

    /// <summary>Applies a trusted proxy's forwarded headers to <paramref name="context"/>; does nothing for any other peer.</summary>
    public void Resolve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var name in AccessControl.ClientCertificates.Headers)
        {
            // Only the proxy says what certificate a client presented.
            context.Request.Headers.Remove(name);
        }

        if (_trusted.Count == 0 || context.Connection.RemoteIpAddress is not { } peer || !CidrList.Contains(_trusted, peer))
        {
            return;
        }

        var headers = context.Request.Headers;
        var forwardedFor = headers["X-Forwarded-For"];
        var client = peer;
        var entries = forwardedFor.Count == 0 ? [] : string.Join(',', forwardedFor.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = entries.Length - 1; i >= 0 && CidrList.Contains(_trusted, client); i--)
        {
            if (!IPAddress.TryParse(entries[i], out var hop))
            {
                // Garbage in the chain: the last address we could trust stays the client.
                break;
            }

            client = hop;
        }

        context.Connection.RemoteIpAddress = client;
        var scheme = headers["X-Forwarded-Proto"].ToString();
        if (scheme is "https" or "http")
        {
            // A TLS-terminating load balancer: the request came in over HTTPS, so no redirect to HTTPS is due.
            context.Request.Scheme = scheme;
        }

        var host = headers["X-Forwarded-Host"].ToString();
        var port = headers["X-Forwarded-Port"].ToString();
        var chain = _fullForwardedFor && entries.Length > 0 ? $"{string.Join(", ", entries)}, {peer}" : null;
        context.Features.Set(new TrustedForwarding(chain, host.Length > 0 ? host : null, port.Length > 0 ? port : null));
    }

    private static string Canonical(string? value) => string.Join(',', CidrList.Parse(value).Select(n => n.ToString()));
}

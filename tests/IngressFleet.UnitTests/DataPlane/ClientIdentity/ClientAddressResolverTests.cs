using System.Net;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.ClientIdentity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IngressFleet.Tests.DataPlane.ClientIdentity;

/// <summary>Which address is the client: the peer, or what a trusted proxy forwards (nginx's recursive real IP).</summary>
public sealed class ClientAddressResolverTests
{
    [Fact]
    public void FromAnUntrustedPeer_ForwardedHeadersAreIgnored()
    {
        var context = Request("192.0.2.50", ("X-Forwarded-For", "10.9.9.9"), ("X-Forwarded-Proto", "https"));

        Resolver("10.0.0.0/8").Resolve(context);

        Assert.Equal(IPAddress.Parse("192.0.2.50"), context.Connection.RemoteIpAddress);
        Assert.Equal("http", context.Request.Scheme);
        Assert.Null(context.Features.Get<TrustedForwarding>());
    }

    [Fact]
    public void FromATrustedPeer_TheClientIsTheRightmostUntrustedHop()
    {
        // A client, then an untrusted hop it controls (spoofed left part), then two trusted proxies.
        var context = Request("10.0.0.1", ("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.0.0.2"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "shop.example"));

        Resolver("10.0.0.0/8").Resolve(context);

        Assert.Equal(IPAddress.Parse("203.0.113.9"), context.Connection.RemoteIpAddress);
        Assert.Equal("https", context.Request.Scheme);
        Assert.Equal("shop.example", context.Features.Get<TrustedForwarding>()!.Host);
        Assert.Null(context.Features.Get<TrustedForwarding>()!.ForwardedFor);
    }

    [Fact]
    public void FullForwardedFor_AppendsTheConnectingProxy()
    {
        var context = Request("10.0.0.1", ("X-Forwarded-For", "203.0.113.9"));

        Resolver("10.0.0.0/8", fullForwardedFor: true).Resolve(context);

        Assert.Equal("203.0.113.9, 10.0.0.1", context.Features.Get<TrustedForwarding>()!.ForwardedFor);
    }

    [Fact]
    public void GarbageInTheChain_StopsAtTheLastTrustedHop()
    {
        var context = Request("10.0.0.1", ("X-Forwarded-For", "203.0.113.9, <script>, 10.0.0.2"));

        Resolver("10.0.0.0/8").Resolve(context);

        Assert.Equal(IPAddress.Parse("10.0.0.2"), context.Connection.RemoteIpAddress);
    }

    [Fact]
    public void GlobalRanges_FillWhatAnIngressLeavesUnset()
    {
        var resolver = new ClientAddressResolver(Options.Create(new ClientAccessOptions { DefaultAllowSourceRanges = "10.0.0.1/8", DefaultDenySourceRanges = "10.6.0.0/16" }));

        Assert.Equal(new SourceRanges("10.0.0.0/8", "10.6.0.0/16"), resolver.RangesFor(null));
        Assert.Equal(new SourceRanges("192.0.2.0/24", "10.6.0.0/16"), resolver.RangesFor(new SourceRanges("192.0.2.0/24", string.Empty)));
        Assert.Null(new ClientAddressResolver(Options.Create(new ClientAccessOptions())).RangesFor(null));
    }

    private static ClientAddressResolver Resolver(string trusted, bool fullForwardedFor = false) =>
        new(Options.Create(new ClientAccessOptions { TrustedProxies = trusted, ComputeFullForwardedFor = fullForwardedFor }));

    private static DefaultHttpContext Request(string peer, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Scheme = "http";
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }
}

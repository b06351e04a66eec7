using System.Net;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Model;

namespace IngressFleet.Tests.Core.AddressPolicy;

/// <summary>Networks as users write them, and the source ranges built on them.</summary>
public sealed class CidrListTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("192.0.2.7", "192.0.2.7/32")]
    [InlineData("2001:db8::7/32", "2001:db8::/32")]
    [InlineData("2001:db8::7", "2001:db8::7/128")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    public void Network_IsReadAsNginxReadsIt(string text, string canonical)
    {
        Assert.True(CidrList.TryParse(text, out var network));
        Assert.Equal(canonical, network.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("fe80::1%eth0")]
    [InlineData("example.com")]
    [InlineData("")]
    public void NotANetwork_IsRefused(string text) => Assert.False(CidrList.TryParse(text, out _));

    [Fact]
    public void Ipv4MappedAddresses_MatchIpv4Networks() =>
        Assert.True(CidrList.Contains(CidrList.Parse("192.0.2.0/24"), IPAddress.Parse("::ffff:192.0.2.9")));

    [Theory]
    [InlineData("10.1.1.1", true)]
    [InlineData("10.6.1.1", false)]
    [InlineData("192.0.2.1", false)]
    public void SourceRanges_DenyWins_AllowLimits(string client, bool admitted) =>
        Assert.Equal(admitted, new SourceRanges("10.0.0.0/8", "10.6.0.0/16").Admits(IPAddress.Parse(client)));

    [Fact]
    public void SourceRanges_DenyOnly_AdmitsTheRest()
    {
        var ranges = new SourceRanges(string.Empty, "2001:db8::/32");
        Assert.False(ranges.Admits(IPAddress.Parse("2001:db8::1")));
        Assert.True(ranges.Admits(IPAddress.Parse("192.0.2.1")));
    }
}

using System.Buffers;
using System.Net;
using System.Text;
using IngressFleet.DataPlane.ClientIdentity;

namespace IngressFleet.Tests.DataPlane.ClientIdentity;

/// <summary>The PROXY protocol header as HAProxy's spec defines it: v1 text and v2 binary, partial, local and hostile headers.</summary>
public sealed class ProxyProtocolHeaderTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\nGET /", "192.0.2.7", 56324)]
    [InlineData("PROXY TCP6 2001:db8::7 2001:db8::1 4000 80\r\n", "2001:db8::7", 4000)]
    public void V1_GivesTheSource_AndItsLength(string text, string address, int port)
    {
        var outcome = Parse(Encoding.ASCII.GetBytes(text), out var source, out var length);

        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, outcome);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), source);
        Assert.Equal(text.IndexOf("\r\n", StringComparison.Ordinal) + 2, length);
    }

    [Fact]
    public void V1_Unknown_IsValid_WithoutASource()
    {
        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, Parse("PROXY UNKNOWN\r\n"u8.ToArray(), out var source, out _));
        Assert.Null(source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.")]
    [InlineData("PRO")]
    [InlineData("")]
    public void V1_Partial_NeedsMore(string text) =>
        Assert.Equal(ProxyProtocolHeader.Outcome.NeedMore, Parse(Encoding.ASCII.GetBytes(text), out _, out _));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 99999 443\r\n")]
    [InlineData("PROXY TCP4 2001:db8::7 198.51.100.1 1 443\r\n")]
    [InlineData("PROXY TCP4 not-an-address 198.51.100.1 1 443\r\n")]
    [InlineData("PROXY TCP5 192.0.2.7 198.51.100.1 1 443\r\n")]
    public void V1_Malformed_IsInvalid(string text) =>
        Assert.Equal(ProxyProtocolHeader.Outcome.Invalid, Parse(Encoding.ASCII.GetBytes(text), out _, out _));

    [Fact]
    public void V1_WithoutALineEndWithinItsBound_IsInvalid() =>
        Assert.Equal(ProxyProtocolHeader.Outcome.Invalid, Parse(Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 200)), out _, out _));

    [Fact]
    public void V2_Ipv4_GivesTheSource_SkippingItsTlvs()
    {
        byte[] addresses = [192, 0, 2, 7, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB];
        byte[] tlv = [0x04, 0x00, 0x02, 0xAA, 0xBB];
        var header = V2(0x21, 0x11, [.. addresses, .. tlv]);

        var outcome = Parse([.. header, .. "GET"u8.ToArray()], out var source, out var length);

        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, outcome);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 0xDC04), source);
        Assert.Equal(header.Length, length);
    }

    [Fact]
    public void V2_Ipv6_GivesTheSource()
    {
        var from = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var to = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var header = V2(0x21, 0x21, [.. from, .. to, 0x00, 0x50, 0x01, 0xBB]);

        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, Parse(header, out var source, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 80), source);
    }

    [Fact]
    public void V2_Local_IsValid_WithoutASource()
    {
        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, Parse(V2(0x20, 0x00, []), out var source, out var length));
        Assert.Null(source);
        Assert.Equal(16, length);
    }

    [Fact]
    public void V2_Partial_NeedsMore()
    {
        var header = V2(0x21, 0x11, [192, 0, 2, 7, 198, 51, 100, 1, 0, 1, 0, 2]);
        foreach (var cut in new[] { 5, 12, 14, 16, header.Length - 1 })
        {
            Assert.Equal(ProxyProtocolHeader.Outcome.NeedMore, Parse(header[..cut], out _, out _));
        }
    }

    [Theory]
    [InlineData(0x11, 0x11)] // version 1 in a v2 header
    [InlineData(0x22, 0x11)] // an unknown command
    public void V2_UnknownVersionOrCommand_IsInvalid(byte versionCommand, byte family) =>
        Assert.Equal(ProxyProtocolHeader.Outcome.Invalid, Parse(V2(versionCommand, family, [192, 0, 2, 7, 198, 51, 100, 1, 0, 1, 0, 2]), out _, out _));

    [Fact]
    public void V2_AddressesLongerThanTheHeader_AreInvalid() =>
        Assert.Equal(ProxyProtocolHeader.Outcome.Invalid, Parse(V2(0x21, 0x21, [1, 2, 3, 4]), out _, out _));

    [Fact]
    public void AHeaderSplitAcrossSegments_IsRead()
    {
        var bytes = "PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n"u8.ToArray();
        var first = new Segment(bytes.AsMemory(0, 9));
        var last = first.Append(bytes.AsMemory(9));
        var buffer = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.Equal(ProxyProtocolHeader.Outcome.Parsed, ProxyProtocolHeader.TryParse(buffer, out var source, out _));
        Assert.Equal(IPAddress.Parse("192.0.2.7"), source!.Address);
    }

    private static byte[] V2(byte versionCommand, byte family, byte[] body) =>
        [.. Signature, versionCommand, family, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static ProxyProtocolHeader.Outcome Parse(byte[] bytes, out IPEndPoint? source, out int length) =>
        ProxyProtocolHeader.TryParse(new ReadOnlySequence<byte>(bytes), out source, out length);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}

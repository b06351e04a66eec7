using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace IngressFleet.DataPlane.ClientIdentity;

/// <summary>
/// Parses the PROXY protocol header (HAProxy's spec, versions 1 and 2) a load balancer sends first on a
/// connection. Bounded: a v1 line is at most 107 bytes, a v2 header at most 16 + 65,535; anything else is
/// invalid, never waited on beyond what the header's own length says.
/// </summary>
public static class ProxyProtocolHeader
{
    /// <summary>The longest v1 line, CRLF included.</summary>
    public const int MaxV1Length = 107;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    public enum Outcome
    {
        /// <summary>Not enough bytes yet to tell.</summary>
        NeedMore,

        /// <summary>A valid header; <c>source</c> is the client, or null when the header names none (LOCAL, UNKNOWN).</summary>
        Parsed,

        /// <summary>Not a PROXY protocol header, or a malformed one.</summary>
        Invalid,
    }

    /// <summary>Reads a header from the start of <paramref name="buffer"/>; <paramref name="length"/> is how many bytes it took.</summary>
    public static Outcome TryParse(ReadOnlySequence<byte> buffer, out IPEndPoint? source, out int length)
    {
        source = null;
        length = 0;
        Span<byte> start = stackalloc byte[16];
        var have = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, have).CopyTo(start);
        start = start[..have];

        if (have < 16 && (have <= V2Signature.Length ? V2Signature.StartsWith(start) : start.StartsWith(V2Signature)))
        {
            return Outcome.NeedMore;
        }

        if (start.StartsWith(V2Signature))
        {
            return ParseV2(buffer, start, out source, out length);
        }

        var prefix = Math.Min(have, V1Prefix.Length);
        if (!start[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return Outcome.Invalid;
        }

        return ParseV1(buffer, out source, out length);
    }

    private static Outcome ParseV2(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> start, out IPEndPoint? source, out int length)
    {
        source = null;
        length = 16 + BinaryPrimitives.ReadUInt16BigEndian(start[14..16]);
        var versionCommand = start[12];
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0F) > 1)
        {
            return Outcome.Invalid;
        }

        if (buffer.Length < length)
        {
            return Outcome.NeedMore;
        }

        if ((versionCommand & 0x0F) == 0)
        {
            // LOCAL: the load balancer's own connection (a health check); the peer stays the client.
            return Outcome.Parsed;
        }

        var family = start[13];
        var (addressLength, port) = (family >> 4) switch { 1 => (4, 8), 2 => (16, 32), _ => (0, 0) };
        if (addressLength == 0 || (family & 0x0F) is not (1 or 2))
        {
            // AF_UNSPEC or AF_UNIX, or not a stream or datagram: the header names no usable client.
            return Outcome.Parsed;
        }

        if (length < 16 + port + 4)
        {
            return Outcome.Invalid;
        }

        Span<byte> addresses = stackalloc byte[36];
        buffer.Slice(16, port + 4).CopyTo(addresses);
        source = new IPEndPoint(new IPAddress(addresses[..addressLength]), BinaryPrimitives.ReadUInt16BigEndian(addresses[port..]));
        return Outcome.Parsed;
    }

    private static Outcome ParseV1(ReadOnlySequence<byte> buffer, out IPEndPoint? source, out int length)
    {
        source = null;
        length = 0;
        Span<byte> line = stackalloc byte[MaxV1Length];
        var have = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, have).CopyTo(line);
        var end = line[..have].IndexOf("\r\n"u8);
        if (end < 0)
        {
            return have == MaxV1Length ? Outcome.Invalid : Outcome.NeedMore;
        }

        length = end + 2;
        var parts = Encoding.ASCII.GetString(line[..end]).Split(' ');
        if (parts is ["PROXY", "UNKNOWN", ..])
        {
            return Outcome.Parsed;
        }

        if (parts is not ["PROXY", var family, var from, var to, var fromPort, var toPort]
            || family is not ("TCP4" or "TCP6")
            || !IPAddress.TryParse(from, out var address) || !IPAddress.TryParse(to, out _)
            || address.AddressFamily != (family == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6)
            || !ushort.TryParse(fromPort, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || !ushort.TryParse(toPort, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            return Outcome.Invalid;
        }

        source = new IPEndPoint(address, port);
        return Outcome.Parsed;
    }
}

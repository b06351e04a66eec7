using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// Reads the SNI name from a TLS ClientHello without consuming it (RFC 8446 4.1.2, RFC 6066 3), for SSL
/// passthrough. Bounded: one TLS record, at most 16 KiB plus its header; a ClientHello spread over several
/// records (it does not happen in practice) is read as one without a name.
/// </summary>
public static class ClientHello
{
    /// <summary>The largest record read: TLS's plaintext limit plus the header.</summary>
    public const int MaxRecord = 5 + 16384;

    public enum Outcome
    {
        NeedMore,

        /// <summary>A ClientHello; the name is null when it sends none.</summary>
        Read,

        /// <summary>Not a TLS handshake: left to whoever reads next.</summary>
        NotTls,
    }

    public static Outcome TryReadServerName(ReadOnlySequence<byte> buffer, out string? serverName)
    {
        serverName = null;
        if (buffer.Length < 5)
        {
            return buffer.Length > 0 && buffer.FirstSpan[0] != 0x16 ? Outcome.NotTls : Outcome.NeedMore;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (header[0] != 0x16 || header[1] != 3 || length + 5 > MaxRecord)
        {
            return Outcome.NotTls;
        }

        if (buffer.Length < 5 + length)
        {
            return Outcome.NeedMore;
        }

        var record = buffer.Slice(5, length).ToArray();
        serverName = Parse(record);
        return Outcome.Read;
    }

    private static string? Parse(ReadOnlySpan<byte> hello)
    {
        // Handshake type 1 (ClientHello), 3-byte length, version, random.
        if (hello.Length < 4 + 2 + 32 + 1 || hello[0] != 1)
        {
            return null;
        }

        var at = 4 + 2 + 32;
        at += 1 + hello[at];
        if (!Skip(hello, ref at, 2) || !Skip(hello, ref at, 1) || at + 2 > hello.Length)
        {
            return null;
        }

        var end = Math.Min(hello.Length, at + 2 + BinaryPrimitives.ReadUInt16BigEndian(hello[at..]));
        at += 2;
        while (at + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(hello[at..]);
            var size = BinaryPrimitives.ReadUInt16BigEndian(hello[(at + 2)..]);
            at += 4;
            if (at + size > end)
            {
                return null;
            }

            if (type == 0 && size >= 5 && hello[at + 2] == 0)
            {
                var nameLength = BinaryPrimitives.ReadUInt16BigEndian(hello[(at + 3)..]);
                return at + 5 + nameLength <= end && nameLength is > 0 and <= 255 ? Encoding.ASCII.GetString(hello.Slice(at + 5, nameLength)).ToLowerInvariant() : null;
            }

            at += size;
        }

        return null;
    }

    /// <summary>Skips a vector whose length takes <paramref name="lengthBytes"/> bytes.</summary>
    private static bool Skip(ReadOnlySpan<byte> data, ref int at, int lengthBytes)
    {
        if (at + lengthBytes > data.Length)
        {
            return false;
        }

        at += lengthBytes + (lengthBytes == 1 ? data[at] : BinaryPrimitives.ReadUInt16BigEndian(data[at..]));
        return at <= data.Length;
    }
}

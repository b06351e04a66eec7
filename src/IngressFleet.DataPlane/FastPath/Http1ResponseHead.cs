using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// A backend's status line and headers, read from the bytes received (RFC 9112), checked as strictly as
/// SocketsHttpHandler checks them: a malformed or ambiguous head (conflicting lengths, a bad name, a bare CR) is no
/// response at all, and the request fails as a bad gateway rather than passing on something a client could read two ways.
/// </summary>
/// <param name="Status">The status code.</param>
/// <param name="Length">The head's length in bytes, blank line included.</param>
/// <param name="Framing">How the body ends.</param>
/// <param name="ContentLength">The Content-Length the backend declared, -1 for none.</param>
/// <param name="KeepAlive">Whether the connection can carry another request after this response.</param>
internal readonly record struct Http1ResponseHead(int Status, int Length, Http1Framing Framing, long ContentLength, bool KeepAlive)
{
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Reads a head from <paramref name="data"/>: true with the head when it is all there; false when more is needed.</summary>
    /// <exception cref="InvalidDataException">The head is malformed.</exception>
    public static bool TryRead(ReadOnlySpan<byte> data, bool requestWasHead, out Http1ResponseHead head)
    {
        head = default;
        var end = HeadLength(data);
        if (end < 0)
        {
            return false;
        }

        var lines = data[..end];
        var statusLine = NextLine(ref lines);
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || (statusLine[7] != '0' && statusLine[7] != '1') || statusLine[8] != ' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100
            || (statusLine.Length > 12 && statusLine[12] != ' '))
        {
            throw new InvalidDataException("the backend's status line is malformed");
        }

        var http10 = statusLine[7] == '0';
        var keepAlive = !http10;
        long length = -1;
        var chunked = false;
        var transferEncoding = false;
        while (lines.Length > 0)
        {
            var line = NextLine(ref lines);
            if (line.IsEmpty)
            {
                break;
            }

            var name = Split(line, out var value);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                length = ParseLength(value, length);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                transferEncoding = true;
                chunked = LastCoding(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = http10 ? HasToken(value, "keep-alive"u8) : keepAlive && !HasToken(value, "close"u8);
            }
        }

        var framing = requestWasHead || status < 200 || status is 204 or 304 ? Http1Framing.None
            : transferEncoding ? (chunked ? Http1Framing.Chunked : Http1Framing.UntilClose)
            : length >= 0 ? Http1Framing.Length
            : Http1Framing.UntilClose;
        head = new Http1ResponseHead(status, end, framing, length, keepAlive && framing != Http1Framing.UntilClose);
        return true;
    }

    /// <summary>
    /// Sets the status, reason phrase and headers on the client's response as YARP's forwarder does: hop-by-hop
    /// headers dropped, the backend's <c>X-Request-ID</c> and (when the Ingress set one) <c>Strict-Transport-Security</c>
    /// replaced by the proxy's, <c>Content-Length</c> dropped beside <c>Transfer-Encoding</c> (a response that has both is
    /// framed by the latter) and as 0 on a bodyless status.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> data, HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = Status;
        var lines = data[..Length];
        var statusLine = NextLine(ref lines);
        var reason = statusLine.Length > 13 ? statusLine[13..] : default;
        if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol)
            && !Ascii.Equals(reason, ReasonPhrases.GetReasonPhrase(Status)))
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = Encoding.Latin1.GetString(reason);
        }

        var headers = response.Headers;
        var keepsOwnHsts = headers.ContainsKey("Strict-Transport-Security");
        Span<char> chars = stackalloc char[256];
        while (lines.Length > 0)
        {
            var line = NextLine(ref lines);
            if (line.IsEmpty)
            {
                break;
            }

            var nameBytes = Split(line, out var valueBytes);
            var nameChars = nameBytes.Length <= chars.Length ? chars[..nameBytes.Length] : new char[nameBytes.Length];
            Encoding.Latin1.GetChars(nameBytes, nameChars);
            var name = Http1Headers.Name(nameChars);
            if (Http1Headers.NotCopiedToClient.Contains(name) || (keepsOwnHsts && name.Equals("Strict-Transport-Security", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // None beside Transfer-Encoding, and none for a 0 on a bodyless status.
                if (Framing is not (Http1Framing.Chunked or Http1Framing.UntilClose) && !(IsBodyless(Status) && ContentLength == 0))
                {
                    response.ContentLength = ContentLength;
                }

                continue;
            }

            // Not Append, which drops an empty value: a header the backend sent empty reaches the client empty.
            headers[name] = Microsoft.Extensions.Primitives.StringValues.Concat(headers[name], Encoding.Latin1.GetString(valueBytes));
        }
    }

    /// <summary>YARP drops a <c>Content-Length: 0</c> on these.</summary>
    private static bool IsBodyless(int status) => status is < 200 or 204 or 205;

    /// <summary>The length of the head with its blank line, or -1 when it has not all arrived.</summary>
    private static int HeadLength(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        while (true)
        {
            var newline = data[offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            var at = offset + newline;
            // A blank line: "\n" or "\r\n" right after the previous line's end.
            if (at == offset || (at == offset + 1 && data[offset] == '\r'))
            {
                return at + 1;
            }

            offset = at + 1;
        }
    }

    /// <summary>The next line without its line ending.</summary>
    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> lines)
    {
        var newline = lines.IndexOf((byte)'\n');
        var line = newline < 0 ? lines : lines[..newline];
        lines = newline < 0 ? default : lines[(newline + 1)..];
        if (line is [.., (byte)'\r'])
        {
            line = line[..^1];
        }

        if (line.IndexOfAny((byte)'\r', (byte)'\0') >= 0)
        {
            throw new InvalidDataException("the backend's response head holds a bare CR or a NUL");
        }

        return line;
    }

    private static ReadOnlySpan<byte> Split(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].ContainsAnyExcept(TokenBytes))
        {
            // Also a continuation line (obsolete line folding) and "Name :" with white space before the colon.
            throw new InvalidDataException("the backend sent a malformed header line");
        }

        value = line[(colon + 1)..].Trim(" \t"u8);
        return line[..colon];
    }

    /// <summary>The length a Content-Length value gives: one, once, digits only (as strict as SocketsHttpHandler, which refuses a repeated one too).</summary>
    private static long ParseLength(ReadOnlySpan<byte> value, long before)
    {
        if (before >= 0 || value.IsEmpty || value.ContainsAnyExceptInRange((byte)'0', (byte)'9') || !Utf8Parser.TryParse(value, out long length, out var consumed) || consumed != value.Length)
        {
            throw new InvalidDataException("the backend's Content-Length is invalid or repeated");
        }

        return length;
    }

    private static bool LastCoding(ReadOnlySpan<byte> value, ReadOnlySpan<byte> coding)
    {
        var comma = value.LastIndexOf((byte)',');
        return Ascii.EqualsIgnoreCase(value[(comma + 1)..].Trim(" \t"u8), coding);
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }
}

using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using IngressFleet.DataPlane.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// A request as the bytes sent to the backend: request line, headers as YARP's forwarder sends them (hop-by-hop
/// ones dropped, the client's Host kept, <see cref="ForwardedValues"/> set), and the body, which is short enough to be
/// read whole before the request goes out (so a request on a connection the backend had just closed can be sent
/// again). Built in one pooled buffer, sent with one write.
/// </summary>
internal sealed class Http1Request : IDisposable
{
    /// <summary>Longer bodies stream through YARP's forwarder, which sends and answers at once.</summary>
    public const int MaxBodyLength = 64 * 1024;

    // RFC 3986 pchar without pct-encoded: a path of only these is sent as it came (YARP escapes any other).
    private static readonly SearchValues<char> PathChars =
        SearchValues.Create("!$&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    // The query as Uri keeps it: pchar, '/', '?', and '%' when it starts an escape.
    private static readonly SearchValues<char> QueryChars =
        SearchValues.Create("!$%&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    private static readonly SearchValues<char> Printable = SearchValues.Create("\t" + string.Concat(Enumerable.Range(0x20, 0x7f - 0x20).Select(c => (char)c)));

    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    private byte[] _buffer;
    private int _length;
    private bool _written;

    private Http1Request(byte[] buffer) => _buffer = buffer;

    /// <summary>The request's bytes, once <see cref="ReadBodyAsync"/> has added the body.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    /// <summary>The length of the body (its <c>Content-Length</c>).</summary>
    public int BodyLength { get; private init; }

    /// <summary>Whether the request has a body (which, once sent, the backend may have acted on).</summary>
    public bool HasBody => BodyLength > 0;

    /// <summary>Whether <see cref="ReadBodyAsync"/> has read the body from the client (it can be read once only).</summary>
    public bool BodyRead { get; private set; }

    public bool IsHead { get; private init; }

    /// <summary>
    /// The request's head, or null when the request is one for YARP's forwarder: a body of unknown length or over
    /// <see cref="MaxBodyLength"/>, an upgrade, <c>Expect</c>, a target or header YARP would escape or encode.
    /// </summary>
    /// <param name="context">The client's request.</param>
    /// <param name="trace">The request's activity, whose context the backend gets in place of the client's (as YARP's client sends it), if any.</param>
    /// <param name="propagation">How trace context is written, and the client's headers it replaces.</param>
    public static Http1Request? TryCreate(HttpContext context, Activity? trace, TracePropagation propagation)
    {
        var request = context.Request;
        if (!HttpProtocol.IsHttp11(request.Protocol) && !HttpProtocol.IsHttp10(request.Protocol))
        {
            // HTTP/2 and HTTP/3 clients may ask for trailers (TE: trailers), which YARP's forwarder carries.
            return null;
        }

        var headers = request.Headers;
        int bodyLength;
        if (request.ContentLength is { } declared)
        {
            if (declared > MaxBodyLength || headers.ContainsKey("Transfer-Encoding"))
            {
                return null;
            }

            bodyLength = (int)declared;
        }
        else if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            bodyLength = 0;
        }
        else
        {
            return null;
        }

        if (headers.ContainsKey("Expect")
            || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }
            || HttpMethods.IsConnect(request.Method))
        {
            return null;
        }

        var path = request.Path.Value;
        var query = request.QueryString.Value;
        if (!request.Host.HasValue || path is not ['/', ..] || path.AsSpan().ContainsAnyExcept(PathChars) || !IsPlainQuery(query))
        {
            return null;
        }

        var message = new Http1Request(ArrayPool<byte>.Shared.Rent(4096 + bodyLength)) { BodyLength = bodyLength, IsHead = HttpMethods.IsHead(request.Method) };
        if (message.WriteHead(context, request, path, query, trace, propagation))
        {
            return message;
        }

        message.Dispose();
        return null;
    }

    /// <summary>Reads the body (of <see cref="BodyLength"/> bytes) from the client, after the head.</summary>
    public async ValueTask ReadBodyAsync(PipeReader body, CancellationToken cancellationToken)
    {
        Ensure(BodyLength);
        var remaining = BodyLength;
        while (remaining > 0)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var take = (int)Math.Min(buffer.Length, remaining);
            buffer.Slice(0, take).CopyTo(_buffer.AsSpan(_length));
            _length += take;
            remaining -= take;
            body.AdvanceTo(buffer.GetPosition(take));
            if (remaining > 0 && read.IsCompleted)
            {
                throw new IOException("the request body ended before its Content-Length");
            }
        }

        BodyRead = true;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool WriteHead(HttpContext context, HttpRequest request, string path, string? query, Activity? trace, TracePropagation propagation)
    {
        if (!IsPrintable(request.Method) || !IsPrintable(path) || !IsPrintable(query) || !IsPrintable(request.Host.Value))
        {
            return false;
        }

        Write(request.Method);
        Write(" ");
        Write(path);
        Write(query);
        Write(" HTTP/1.1\r\nHost: ");
        Write(request.Host.Value);
        Write("\r\n");

        var hasLength = false;
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith(':') || Http1Headers.NotCopiedToBackend.Contains(name) || (trace is not null && propagation.Fields.Contains(name)))
            {
                continue;
            }

            hasLength |= name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);
            if (!WriteHeader(name, values))
            {
                return false;
            }
        }

        if (!hasLength && MustHaveLength(request.Method))
        {
            // As SocketsHttpHandler: a POST or PUT without a body says so.
            Write("Content-Length: 0\r\n");
        }

        if (trace is not null)
        {
            _written = true;
            propagation.Propagator.Inject(trace, this, static (carrier, name, value) => ((Http1Request)carrier!)._written &= ((Http1Request)carrier!).WriteHeader(name, value));
            if (!_written)
            {
                return false;
            }
        }

        var forwarded = ForwardedValues.Of(context);
        return WriteHeader("X-Forwarded-For", forwarded.For)
            && WriteHeader("X-Forwarded-Proto", forwarded.Proto)
            && WriteHeader("X-Forwarded-Host", forwarded.Host)
            && WriteHeader("X-Forwarded-Port", forwarded.Port)
            && WriteHeader("X-Real-IP", forwarded.RealIp)
            && Write("\r\n");
    }

    /// <summary>One header line; several values in one (joined as HttpClient joins them: <c>; </c> for cookies, <c>, </c> otherwise).</summary>
    private bool WriteHeader(string name, StringValues values)
    {
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrEmpty(values[0]) && ForwardedValues.Replaced.Contains(name)))
        {
            return true;
        }

        if (!WriteValue(name) || !Write(": "))
        {
            return false;
        }

        var separator = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
        for (var i = 0; i < values.Count; i++)
        {
            if ((i > 0 && !Write(separator)) || !WriteValue(values[i]))
            {
                return false;
            }
        }

        return Write("\r\n");
    }

    /// <summary>
    /// Appends printable ASCII text (tabs too); false for anything else: YARP's forwarder encodes other characters its own
    /// way and drops a value with a line break, which written here would end the header early (a value set by the proxy
    /// itself, from a client certificate's subject, say, is not checked by Kestrel as the client's headers are).
    /// </summary>
    private bool WriteValue(string? text) => IsPrintable(text) && Write(text);

    private static bool IsPrintable(string? text) => string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAnyExcept(Printable);

    /// <summary>Appends ASCII text.</summary>
    private bool Write(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        Ensure(text.Length);
        if (Ascii.FromUtf16(text, _buffer.AsSpan(_length), out var written) != OperationStatus.Done)
        {
            return false;
        }

        _length += written;
        return true;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    /// <summary>A query Uri sends unchanged: only query characters, each <c>%</c> starting an escape of a reserved or other character.</summary>
    private static bool IsPlainQuery(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return true;
        }

        var span = query.AsSpan();
        if (span.ContainsAnyExcept(QueryChars))
        {
            return false;
        }

        for (var i = span.IndexOf('%'); i >= 0; i = span.IndexOf('%'))
        {
            if (i + 2 >= span.Length || !char.IsAsciiHexDigit(span[i + 1]) || !char.IsAsciiHexDigit(span[i + 2])
                || Unreserved.Contains((char)((HexValue(span[i + 1]) << 4) | HexValue(span[i + 2]))))
            {
                // Uri (YARP's path) decodes an escaped unreserved character ("%41" to "A"): left to it, so both paths send the same.
                return false;
            }

            span = span[(i + 3)..];
        }

        return true;
    }

    private static int HexValue(char digit) => digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;

    /// <summary>SocketsHttpHandler's rule for a request without content: every method but these sends <c>Content-Length: 0</c>.</summary>
    private static bool MustHaveLength(string method) =>
        !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method) && !HttpMethods.IsDelete(method) && !HttpMethods.IsConnect(method);
}

using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// One kept-alive HTTP/1.1 connection to a backend, used by one request at a time: sends a request's bytes, reads
/// the response head, and copies the body into the client's response as it arrives (flushed before each wait for
/// the backend, so a streamed response streams). Closing it from another thread (<see cref="Abort"/>: the client
/// left, or the request went quiet past its timeout) ends whatever read is pending.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private const int BufferLength = 16 * 1024;
    private const int MaxHeadLength = 64 * 1024;
    private const int MaxChunkLineLength = 4 * 1024;

    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferLength);
    private int _start;
    private int _end;
    private bool _unflushed;
    private long _lastActivity;
    private long _timeoutTicks;
    private int _closed;
    private volatile bool _busy;

    private ValueTask<int> _readAhead;
    private bool _readingAhead;

    public Http1Connection(Stream stream, TimeProvider time)
    {
        _stream = stream;
        _time = time;
    }

    /// <summary>The endpoint whose pool counts it (set when it joins one).</summary>
    public Http1Endpoint? Endpoint { get; set; }

    /// <summary>Whether it carried a response before the current request (a backend may have closed it meanwhile).</summary>
    public bool Reused { get; private set; }

    /// <summary>Whether any byte of the current request's response arrived.</summary>
    public bool Received { get; private set; }

    /// <summary>Whether the current request went quiet past its activity timeout and the connection was closed for it.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>When it was last given back idle.</summary>
    public long IdleSince { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Takes it for a request that may go <paramref name="activityTimeout"/> without data moving.</summary>
    public void Begin(TimeSpan activityTimeout)
    {
        _timeoutTicks = (long)(activityTimeout.TotalSeconds * _time.TimestampFrequency);
        Received = false;
        TimedOut = false;
        _unflushed = false;
        Touch();
        _busy = true;
    }

    /// <summary>Gives it back after a complete response; false when it cannot carry another (the backend said close, or sent more than the response).</summary>
    public bool End(Http1ResponseHead head)
    {
        _busy = false;
        if (!head.KeepAlive || _start != _end || Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        (_start, _end) = (0, 0);
        Reused = true;
        IdleSince = _time.GetTimestamp();
        return true;
    }

    /// <summary>
    /// For a kept-alive connection about to carry a request: starts reading its response before the request goes out.
    /// A read that completes at once means the backend closed the connection or sent bytes nobody asked for (a body
    /// after a HEAD's head, more than its Content-Length): false, and the connection must not be used. Otherwise the
    /// pending read is the response's first, so the check costs no call of its own.
    /// </summary>
    public bool TryReadAhead()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        ValueTask<int> read;
        try
        {
            read = _stream.ReadAsync(_buffer.AsMemory());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }

        if (read.IsCompleted)
        {
            // Observed, so its pooled operation is given back; whatever it says, the connection is done.
            _ = read.AsTask().Exception;
            return false;
        }

        _readAhead = read;
        _readingAhead = true;
        return true;
    }

    /// <summary>For the sweep: whether the connection is busy with a request that has gone quiet past its timeout.</summary>
    public bool IsQuietPast(long now) => _busy && now - Volatile.Read(ref _lastActivity) > _timeoutTicks;

    /// <summary>For the sweep: closes the connection of a request that went quiet past its timeout.</summary>
    public void TimeOut()
    {
        TimedOut = true;
        Abort();
    }

    /// <summary>Closes the socket; a pending read or write ends with an error. Safe from any thread.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _stream.Dispose();
        }
    }

    public void Dispose() => Abort();

    /// <summary>Sends the request; false, with nothing sent, when the response's read started early already has bytes (they are no answer to it).</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> request)
    {
        if (_readingAhead && _readAhead.IsCompleted)
        {
            return false;
        }

        await _stream.WriteAsync(request);
        Touch();
        return true;
    }

    /// <summary>The final response's head (interim 1xx responses skipped), its bytes left in the buffer for <see cref="Apply"/>.</summary>
    /// <exception cref="InvalidDataException">The backend sent a malformed head, or one over 64 KiB, or 101 unasked.</exception>
    /// <exception cref="IOException">The connection closed or failed first.</exception>
    public async ValueTask<Http1ResponseHead> ReadHeadAsync(bool requestWasHead)
    {
        // Parsed again only when a blank line may have arrived, so a head trickling in byte by byte costs linear time.
        var complete = _end > _start;
        while (true)
        {
            if (complete && Http1ResponseHead.TryRead(_buffer.AsSpan(_start, _end - _start), requestWasHead, out var head))
            {
                if (head.Status == 101)
                {
                    throw new InvalidDataException("the backend switched protocols, which this request did not ask for");
                }

                if (head.Status >= 200)
                {
                    return head;
                }

                // 100 Continue, 102, 103 Early Hints: not passed on (as YARP's forwarder does not).
                _start += head.Length;
                complete = _end > _start;
                continue;
            }

            if (_end - _start >= MaxHeadLength)
            {
                throw new InvalidDataException("the backend's response head is over 64 KiB");
            }

            var before = _end;
            if (await FillAsync(client: null) == 0)
            {
                throw new IOException("the backend closed the connection before it answered");
            }

            complete = _buffer.AsSpan(before, _end - before).Contains((byte)'\n');
        }
    }

    /// <summary>Sets the client's response status and headers from the head read.</summary>
    public void Apply(Http1ResponseHead head, HttpContext context)
    {
        head.Apply(_buffer.AsSpan(_start, head.Length), context);
        _start += head.Length;
    }

    /// <summary>Copies the body as the head frames it; <see cref="Http1ForwardException"/> says which side failed.</summary>
    public async ValueTask CopyBodyAsync(Http1ResponseHead head, PipeWriter client)
    {
        try
        {
            switch (head.Framing)
            {
                case Http1Framing.Length:
                    await CopyAsync(head.ContentLength, client);
                    break;
                case Http1Framing.Chunked:
                    await CopyChunkedAsync(client);
                    break;
                case Http1Framing.UntilClose:
                    await CopyAsync(long.MaxValue, client);
                    break;
            }
        }
        catch (Exception e) when (e is not Http1ForwardException)
        {
            throw new Http1ForwardException(ForwarderError.ResponseBodyDestination, "the backend's response body failed", e);
        }
    }

    /// <summary><paramref name="length"/> bytes (<see cref="long.MaxValue"/>: until the backend closes), through the buffer.</summary>
    private async ValueTask CopyAsync(long length, PipeWriter client)
    {
        var untilClose = length == long.MaxValue;
        while (length > 0)
        {
            if (_start == _end && await FillAsync(client) == 0)
            {
                // A close ends such a body, unless it was this proxy's own doing (a timeout, the client gone).
                if (untilClose && Volatile.Read(ref _closed) == 0)
                {
                    return;
                }

                throw new IOException("the backend closed the connection before the end of its response body");
            }

            var take = (int)Math.Min(_end - _start, length);
            client.Write(_buffer.AsSpan(_start, take));
            _unflushed = true;
            _start += take;
            length -= take;
        }
    }

    private async ValueTask CopyChunkedAsync(PipeWriter client)
    {
        while (true)
        {
            var line = await ReadLineAsync(client);
            var size = _buffer.AsSpan(line.Start, line.Length);
            var extension = size.IndexOf((byte)';');
            if (extension >= 0)
            {
                size = size[..extension];
            }

            size = size.TrimEnd(" \t"u8);
            if (size.IsEmpty || size.Length > 15 || !Utf8Parser.TryParse(size, out long length, out var consumed, 'x') || consumed != size.Length)
            {
                throw new InvalidDataException("the backend sent a malformed chunk size");
            }

            if (length == 0)
            {
                // Trailer fields, if any, end with a blank line; they are not passed on (as YARP does not to HTTP/1.1 clients).
                while ((await ReadLineAsync(client)).Length > 0)
                {
                }

                return;
            }

            await CopyAsync(length, client);
            if ((await ReadLineAsync(client)).Length != 0)
            {
                throw new InvalidDataException("the backend's chunk is longer than its size says");
            }
        }
    }

    /// <summary>The next line in the buffer (reading more as needed), without its line ending, which is consumed.</summary>
    private async ValueTask<(int Start, int Length)> ReadLineAsync(PipeWriter client)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var start = _start;
                _start += newline + 1;
                var length = newline > 0 && _buffer[start + newline - 1] == '\r' ? newline - 1 : newline;
                return (start, length);
            }

            if (_end - _start > MaxChunkLineLength)
            {
                throw new InvalidDataException("the backend sent a chunk line over 4 KiB");
            }

            if (await FillAsync(client) == 0)
            {
                throw new IOException("the backend closed the connection inside its chunked body");
            }
        }
    }

    /// <summary>Reads more into the buffer, after sending the client what it has been given so far.</summary>
    private async ValueTask<int> FillAsync(PipeWriter? client)
    {
        if (client is not null)
        {
            await FlushAsync(client);
        }

        if (_start == _end)
        {
            (_start, _end) = (0, 0);
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                (_start, _end) = (0, _end - _start);
            }
            else
            {
                // A head longer than the buffer: grown for this response (up to MaxHeadLength).
                var larger = GC.AllocateUninitializedArray<byte>(_buffer.Length * 2);
                _buffer.AsSpan(0, _end).CopyTo(larger);
                _buffer = larger;
            }
        }

        int read;
        if (_readingAhead)
        {
            // Started into the empty buffer when the connection was taken; nothing has moved it since.
            _readingAhead = false;
            read = await _readAhead;
            _readAhead = default;
        }
        else
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end));
        }

        Touch();
        if (read > 0)
        {
            Received = true;
            _end += read;
        }

        return read;
    }

    private async ValueTask FlushAsync(PipeWriter client)
    {
        if (!_unflushed)
        {
            return;
        }

        FlushResult result;
        try
        {
            result = await client.FlushAsync();
        }
        catch (Exception e)
        {
            throw new Http1ForwardException(ForwarderError.ResponseBodyClient, "sending the response to the client failed", e);
        }

        if (result.IsCanceled || result.IsCompleted)
        {
            throw new Http1ForwardException(ForwarderError.ResponseBodyClient, "the client went away", null);
        }

        _unflushed = false;
        Touch();
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// A backend written on a raw socket, so a test sees the exact bytes a proxy sends and chooses the exact bytes it
/// answers (framings, malformed heads, closes at awkward moments), which no HTTP server library would produce. Each
/// request is read (head, and a Content-Length or chunked body), recorded, and answered by <see cref="Script"/>.
/// </summary>
public sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _replied;

    private ScriptedBackend(Func<ScriptedRequest, ScriptedReply> script)
    {
        Script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The answer to each request.</summary>
    public Func<ScriptedRequest, ScriptedReply> Script { get; }

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ScriptedRequest> Requests { get; } = new();

    /// <summary>Replies written whole (and their connection shut down, for those that close it) so far.</summary>
    public int Replied => Volatile.Read(ref _replied);

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static ScriptedBackend Start(Func<ScriptedRequest, ScriptedReply> script) => new(script);

    /// <summary>The last request whose target starts with <paramref name="target"/>.</summary>
    public ScriptedRequest Last(string target) => Requests.Reverse().First(r => r.Target.StartsWith(target, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            // Each part goes out when written, not held back for the previous one's acknowledgement.
            socket.NoDelay = true;
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffered = new List<byte>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (await ReadRequestAsync(stream, buffered) is not { } request)
                {
                    return;
                }

                Requests.Enqueue(request);
                var reply = Script(request);
                foreach (var part in reply.Parts)
                {
                    if (part.Gate is { } gate && !await gate.WaitAsync(TimeSpan.FromSeconds(30), _stop.Token))
                    {
                        // Never opened: the test that owns the gate failed; its client sees the connection end.
                        return;
                    }

                    await stream.WriteAsync(part.Bytes, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }

                if (reply.Silent)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                if (reply.Close)
                {
                    socket.Shutdown(SocketShutdown.Both);
                    Interlocked.Increment(ref _replied);
                    return;
                }

                Interlocked.Increment(ref _replied);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The proxy closed its end, or the backend is stopping.
        }
    }

    /// <summary>One request, or null when the connection closed between requests.</summary>
    private async Task<ScriptedRequest?> ReadRequestAsync(NetworkStream stream, List<byte> buffered)
    {
        int end;
        while ((end = IndexOf(buffered, "\r\n\r\n"u8.ToArray())) < 0)
        {
            if (!await FillAsync(stream, buffered))
            {
                return null;
            }
        }

        var head = Encoding.Latin1.GetString([.. buffered.Take(end)]);
        buffered.RemoveRange(0, end + 4);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        byte[] body;
        if (headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            body = await ReadChunkedAsync(stream, buffered);
        }
        else
        {
            var length = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            while (buffered.Count < length)
            {
                if (!await FillAsync(stream, buffered))
                {
                    return null;
                }
            }

            body = [.. buffered.Take(length)];
            buffered.RemoveRange(0, length);
        }

        return new ScriptedRequest(requestLine[0], requestLine[1], requestLine[2], head, headers, body);
    }

    private async Task<byte[]> ReadChunkedAsync(NetworkStream stream, List<byte> buffered)
    {
        var body = new List<byte>();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(buffered, "\r\n"u8.ToArray())) < 0)
            {
                await FillOrThrowAsync(stream, buffered);
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString([.. buffered.Take(lineEnd)]).Split(';')[0], 16);
            buffered.RemoveRange(0, lineEnd + 2);
            while (buffered.Count < size + 2)
            {
                await FillOrThrowAsync(stream, buffered);
            }

            if (size == 0)
            {
                buffered.RemoveRange(0, 2);
                return [.. body];
            }

            body.AddRange(buffered.Take(size));
            buffered.RemoveRange(0, size + 2);
        }
    }

    private async Task FillOrThrowAsync(NetworkStream stream, List<byte> buffered)
    {
        if (!await FillAsync(stream, buffered))
        {
            throw new IOException("the connection closed inside a chunked body");
        }
    }

    private async Task<bool> FillAsync(NetworkStream stream, List<byte> buffered)
    {
        var chunk = new byte[16 * 1024];
        var read = await stream.ReadAsync(chunk, _stop.Token);
        buffered.AddRange(chunk.Take(read));
        return read > 0;
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= data.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = data[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>A request as the backend received it.</summary>
public sealed record ScriptedRequest(string Method, string Target, string Version, string Head, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    /// <summary>The values of a header, in order (several lines of one name each give one).</summary>
    public string[] Values(string name) => [.. Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];

    public bool Has(string name) => Values(name).Length > 0;
}

/// <summary>What the backend answers: raw bytes in parts (each written after its gate opens), then the connection closed, kept, or left silent.</summary>
public sealed record ScriptedReply(IReadOnlyList<ScriptedPart> Parts, bool Close = false, bool Silent = false)
{
    public static ScriptedReply Raw(string bytes, bool close = false) => new([new ScriptedPart(Encoding.Latin1.GetBytes(bytes))], close);

    /// <summary>A 200 with a Content-Length body.</summary>
    public static ScriptedReply Ok(string body = "ok") => Raw($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
}

/// <summary>Bytes written once <see cref="Gate"/> (if any) is released.</summary>
public sealed record ScriptedPart(byte[] Bytes, SemaphoreSlim? Gate = null);

using System.Net.Sockets;
using System.Text;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// A client on a raw socket: sends the request exactly as written (with <c>Connection: close</c>, so the response
/// ends with the connection) and reads the response exactly as it came, framing and all.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(int port, string request, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port, deadline.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), deadline.Token);
        var received = new MemoryStream();
        var reset = false;
        try
        {
            await stream.CopyToAsync(received, deadline.Token);
        }
        catch (IOException)
        {
            // The proxy reset the connection (a response cut off): what arrived before is the answer.
            reset = true;
        }

        return RawResponse.Parse(received.ToArray(), reset);
    }
}

/// <summary>A response as received: its status line, header lines, and body (de-chunked), and whether its framing was complete.</summary>
public sealed record RawResponse(int Status, string Reason, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool Complete, bool Reset)
{
    public string Text => Encoding.Latin1.GetString(Body);

    public string[] Values(string name) => [.. Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value)];

    public bool Has(string name) => Values(name).Length > 0;

    public static RawResponse Parse(byte[] data, bool reset)
    {
        var text = Encoding.Latin1.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return new RawResponse(0, string.Empty, [], data, Complete: false, reset);
        }

        var lines = text[..end].Split("\r\n");
        var status = lines[0].Split(' ', 3);
        var headers = lines.Skip(1).Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var rest = data.AsSpan(end + 4);
        var response = new RawResponse(int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture), status.Length > 2 ? status[2] : string.Empty, headers, [], false, reset);
        if (response.Values("Transfer-Encoding") is ["chunked"])
        {
            var body = new List<byte>();
            while (true)
            {
                var lineEnd = rest.IndexOf("\r\n"u8);
                if (lineEnd < 0)
                {
                    return response with { Body = [.. body] };
                }

                var size = Convert.ToInt32(Encoding.ASCII.GetString(rest[..lineEnd]), 16);
                rest = rest[(lineEnd + 2)..];
                if (size == 0)
                {
                    return response with { Body = [.. body], Complete = true };
                }

                if (rest.Length < size + 2)
                {
                    body.AddRange(rest.ToArray());
                    return response with { Body = [.. body] };
                }

                body.AddRange(rest[..size].ToArray());
                rest = rest[(size + 2)..];
            }
        }

        var length = response.Values("Content-Length") is [var declared] ? int.Parse(declared, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        return response with { Body = rest.ToArray(), Complete = length is null ? !reset : rest.Length == length };
    }
}

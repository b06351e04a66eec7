using System.Net;
using System.Net.Sockets;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// Ports free on 127.0.0.1 now, for processes that must be told their ports up front. They are picked below
/// the kernel's ephemeral range, so the thousands of outgoing connections of the load tests can never take
/// one between its choice and its use, and never handed out twice by this process.
/// </summary>
internal static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = NonEphemeralRange();

    public static int[] Take(int count)
    {
        var ports = new int[count];
        lock (Gate)
        {
            for (var i = 0; i < count; i++)
            {
                ports[i] = TakeOne();
            }
        }

        return ports;
    }

    private static int TakeOne()
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var port = Random.Shared.Next(Range.Low, Range.High);
            if (Given.Contains(port))
            {
                continue;
            }

            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                Given.Add(port);
                return port;
            }
            catch (SocketException)
            {
                // Taken by something else; try another.
            }
            finally
            {
                listener.Stop();
            }
        }

        throw new InvalidOperationException($"no free port in {Range.Low}-{Range.High}");
    }

    /// <summary>Ports from 20000 up to the start of the ephemeral range (default 32768 when it cannot be read).</summary>
    private static (int Low, int High) NonEphemeralRange()
    {
        var ephemeralStart = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            ephemeralStart = int.Parse(text[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            // Keep the default.
        }

        var high = Math.Max(ephemeralStart, 21000);
        return (Math.Min(20000, high - 1000), high);
    }
}

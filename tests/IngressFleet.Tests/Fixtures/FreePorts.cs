using System.Net;
using System.Net.Sockets;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Ports free on 127.0.0.1 right now, for processes that must be told their ports up front.</summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}

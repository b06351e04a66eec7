using System.Net;
using System.Net.Sockets;

namespace IngressFleet.Tests.Fixtures;

/// <summary>HTTP clients whose connections come from a chosen loopback address (any 127.x address is this machine's), so tests have many real client addresses.</summary>
public static class LoopbackClient
{
    public static SocketsHttpHandler Handler(IPAddress local) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = 1000,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient From(IPAddress local, TimeSpan? timeout = null) => new(Handler(local)) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
}

using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using IngressFleet.DataPlane.Tls;

namespace IngressFleet.Tests.DataPlane.Tls;

/// <summary>The SNI name read from a real ClientHello, as .NET's own TLS client sends it, and from what is not one.</summary>
public sealed class ClientHelloTests
{
    [Fact]
    public async Task ARealClientHello_GivesItsServerName()
    {
        var hello = await CaptureClientHelloAsync("Shop.Example.COM");

        Assert.Equal(ClientHello.Outcome.Read, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(hello), out var name));
        Assert.Equal("shop.example.com", name);

        // Cut anywhere, it asks for more rather than guessing.
        foreach (var cut in new[] { 0, 3, 5, 40, hello.Length - 1 })
        {
            Assert.Equal(ClientHello.Outcome.NeedMore, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(hello, 0, cut), out _));
        }
    }

    [Fact]
    public void PlainHttp_IsNotTls() =>
        Assert.Equal(ClientHello.Outcome.NotTls, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n")), out _));

    [Fact]
    public void ARecordLongerThanTlsAllows_IsNotTls() =>
        Assert.Equal(ClientHello.Outcome.NotTls, ClientHello.TryReadServerName(new ReadOnlySequence<byte>([0x16, 3, 1, 0xFF, 0xFF]), out _));

    [Fact]
    public void AHandshakeThatIsNotAClientHello_HasNoName()
    {
        byte[] record = [0x16, 3, 3, 0, 4, 2, 0, 0, 0];
        Assert.Equal(ClientHello.Outcome.Read, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(record), out var name));
        Assert.Null(name);
    }

    /// <summary>What .NET's TLS client sends first, caught on a loopback socket that never answers.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync(string serverName)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        using var tls = new SslStream(client.GetStream());
        using var stop = new CancellationTokenSource();
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName }, stop.Token);

        var buffer = new byte[ClientHello.MaxRecord];
        var read = 0;
        var stream = server.GetStream();
        while (read < 5 || read < 5 + ((buffer[3] << 8) | buffer[4]))
        {
            read += await stream.ReadAsync(buffer.AsMemory(read));
        }

        await stop.CancelAsync();
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return buffer[..read];
    }
}

using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace IngressFleet.DataPlane.ClientIdentity;

/// <summary>
/// Kestrel connection middleware, ahead of TLS: reads the PROXY protocol header and makes its source the
/// connection's remote end point. A connection that sends no valid header within the timeout is closed
/// before any of its bytes reach HTTP or TLS.
/// </summary>
public static class ProxyProtocolConnection
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(TimeSpan timeout) =>
        next => async connection =>
        {
            if (await ReadHeaderAsync(connection, timeout))
            {
                await next(connection);
            }
            else
            {
                connection.Abort(new ConnectionAbortedException("no valid PROXY protocol header"));
            }
        };

    private static async Task<bool> ReadHeaderAsync(ConnectionContext connection, TimeSpan timeout)
    {
        var input = connection.Transport.Input;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(deadline.Token);
                var buffer = read.Buffer;
                switch (ProxyProtocolHeader.TryParse(buffer, out var source, out var length))
                {
                    case ProxyProtocolHeader.Outcome.Parsed:
                        input.AdvanceTo(buffer.GetPosition(length));
                        if (source is not null)
                        {
                            connection.RemoteEndPoint = source;
                            if (connection.Features.Get<IHttpConnectionFeature>() is { } feature)
                            {
                                (feature.RemoteIpAddress, feature.RemotePort) = (source.Address, source.Port);
                            }
                        }

                        return true;
                    case ProxyProtocolHeader.Outcome.NeedMore when !read.IsCompleted:
                        input.AdvanceTo(buffer.Start, buffer.End);
                        break;
                    default:
                        input.AdvanceTo(buffer.End);
                        return false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

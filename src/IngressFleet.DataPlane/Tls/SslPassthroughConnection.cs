using System.IO.Pipelines;
using System.Net;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.State;
using Microsoft.AspNetCore.Connections;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// SSL passthrough (ingress-nginx's <c>ssl-passthrough</c>): Kestrel connection middleware ahead of TLS on the
/// HTTPS port. It reads the SNI name of each ClientHello without consuming it; a connection for a host an
/// Ingress passes through is joined, bytes untouched, to one of that Ingress's backends (TLS ends there);
/// every other connection goes on to TLS termination as usual.
/// </summary>
public static class SslPassthroughConnection
{
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(ConfigInForce inForce, BackendConnector connector, TimeSpan helloTimeout) =>
        next => async connection =>
        {
            var (serverName, readable) = await PeekServerNameAsync(connection.Transport.Input, helloTimeout);
            if (!readable)
            {
                connection.Abort(new ConnectionAbortedException("no ClientHello in time"));
                return;
            }

            var state = inForce.Current;
            if (state.Certificates.PassthroughBackendFor(serverName) is not { } backend)
            {
                await next(connection);
                return;
            }

            if (!state.Backends.TryGetValue(backend, out var pool) || pool.Pick(LoadBalancingPolicy.PowerOfTwoChoices) is var index && index < 0)
            {
                connection.Abort(new ConnectionAbortedException($"passthrough backend {backend} has no ready endpoint"));
                return;
            }

            var destination = pool.Endpoints.Destinations[index];
            pool.Started(index);
            try
            {
                await using var upstream = await connector.ConnectAsync(new DnsEndPoint(destination.Address, destination.Port), connection.ConnectionClosed);
                var toBackend = connection.Transport.Input.CopyToAsync(upstream, connection.ConnectionClosed);
                var toClient = upstream.CopyToAsync(connection.Transport.Output, connection.ConnectionClosed);
                await Task.WhenAny(toBackend, toClient);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or HttpRequestException)
            {
                // The client or the backend went away: the other side is closed with it.
            }
            finally
            {
                pool.Ended(index);
            }
        };

    /// <summary>The ClientHello's SNI name (null without one, or if the bytes are not TLS), leaving every byte unread.</summary>
    private static async Task<(string? ServerName, bool Readable)> PeekServerNameAsync(PipeReader input, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(deadline.Token);
                var outcome = ClientHello.TryReadServerName(read.Buffer, out var name);
                if (outcome == ClientHello.Outcome.NeedMore && !read.IsCompleted)
                {
                    input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    continue;
                }

                // Nothing consumed or examined: TLS (or the passthrough pump) reads the same bytes at once.
                input.AdvanceTo(read.Buffer.Start);
                return (name, true);
            }
        }
        catch (OperationCanceledException)
        {
            return (null, false);
        }
    }
}

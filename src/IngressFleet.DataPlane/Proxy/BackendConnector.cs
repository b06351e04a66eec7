using System.Net;
using System.Net.Sockets;
using IngressFleet.Core.AddressPolicy;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// Opens connections to backends for <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the name
/// (an ExternalName, say) and connects only to addresses the <see cref="BackendAddressPolicy"/> allows, so a
/// name that resolves to loopback, link-local or this silo's own ports is refused at every connect, not only
/// when its config was read.
/// </summary>
public sealed class BackendConnector(BackendAddressPolicy policy)
{
    /// <summary>The connect timeout of the request that opens a connection (an Ingress's <c>proxy-connect-timeout</c>), when it has one.</summary>
    public static HttpRequestOptionsKey<TimeSpan> ConnectTimeout { get; } = new("ingressfleet.connect-timeout");

    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ConnectAsync(context.DnsEndPoint, cancellationToken);
    }

    /// <summary>
    /// A connection for the request in <paramref name="context"/>, within its own connect timeout if it has one,
    /// else <paramref name="defaultTimeout"/>. A timeout surfaces as a <see cref="TimeoutException"/>, which the
    /// forwarder reports as a failed request (502/504), not as the client's cancellation.
    /// </summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeSpan defaultTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeout, out var own) ? own : defaultTimeout;
        return ConnectAsync(context.DnsEndPoint, timeout, cancellationToken);
    }

    /// <summary>A connection to <paramref name="endpoint"/> within <paramref name="timeout"/>, which surfaces as a <see cref="TimeoutException"/>.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"connecting to {endpoint.Host}:{endpoint.Port} took longer than {timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>A TCP connection to <paramref name="endpoint"/> (for SSL passthrough, say), under the same policy.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        Exception? last = null;
        foreach (var address in addresses)
        {
            if (policy.Refusal(address, endpoint.Port) is { } reason)
            {
                last ??= new HttpRequestException(HttpRequestError.ConnectionError, $"backend {endpoint.Host}:{endpoint.Port} ({address}) refused: {reason}");
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, endpoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new HttpRequestException(HttpRequestError.NameResolutionError, $"backend {endpoint.Host} has no address");
    }
}

using System.Net;
using IngressFleet.DataPlane.ClientIdentity;
using IngressFleet.DataPlane.State;
using IngressFleet.DataPlane.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace IngressFleet.Host.Hosting;

/// <summary>Kestrel's listeners: the proxy's HTTP and HTTPS ports and the admin port.</summary>
internal static class Listeners
{
    public static void Configure(KestrelServerOptions kestrel, HostSettings settings)
    {
        var proxy = settings.Proxy;
        var clients = settings.Get<ClientAccessOptions>();
        kestrel.AddServerHeader = false;

        // The proxy's default body limit (an Ingress's proxy-body-size overrides it per request); the admin API's too.
        kestrel.Limits.MaxRequestBodySize = proxy.MaxRequestBodySize == 0 ? null : proxy.MaxRequestBodySize;

        // PROXY protocol comes first on the wire, before TLS: its middleware runs ahead of UseHttps.
        void ProxyProtocol(ListenOptions listen)
        {
            if (clients.ProxyProtocol)
            {
                listen.Use(ProxyProtocolConnection.Middleware(clients.ProxyProtocolTimeout));
            }
        }

        kestrel.Listen(IPAddress.Parse(proxy.ListenAddress), proxy.HttpPort, ProxyProtocol);
        if (proxy.HttpsPort != 0)
        {
            var inForce = kestrel.ApplicationServices.GetRequiredService<ConfigInForce>();
            kestrel.Listen(IPAddress.Parse(proxy.ListenAddress), proxy.HttpsPort, listen =>
            {
                ProxyProtocol(listen);
                if (proxy.SslPassthrough)
                {
                    listen.Use(SslPassthroughConnection.Middleware(inForce, kestrel.ApplicationServices.GetRequiredService<DataPlane.Proxy.BackendConnector>(), proxy.TlsHandshakeTimeout));
                }

                // ALPN offers h2 and http/1.1; the certificate is picked per handshake by SNI from the
                // certificates of the config version in force, so a rotated Secret is used by the next handshake.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = context =>
                    {
                        // Remembered for the request path, which refuses a request for another host that wants a client certificate (421).
                        context.Connection.Items[DataPlane.AccessControl.ClientCertificates.ServerNameItem] = context.ClientHelloInfo.ServerName;
                        return ValueTask.FromResult(inForce.Current.Certificates.OptionsFor(context.ClientHelloInfo.ServerName));
                    },
                    HandshakeTimeout = proxy.TlsHandshakeTimeout,
                });
            });
        }

        kestrel.Listen(IPAddress.Parse(settings.Admin.AdminAddress), settings.Admin.AdminPort);
    }
}

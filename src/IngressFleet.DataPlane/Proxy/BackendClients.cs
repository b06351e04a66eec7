using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using IngressFleet.Core.Model;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// The HTTP clients that carry requests to backends: one for every backend by default, whose TLS encrypts but
/// does not authenticate (nginx's default, <c>proxy_ssl_verify off</c>: pods present certificates of the
/// cluster's own making, for their pod IP at best), and one per <see cref="BackendTls"/> policy of an Ingress
/// (<c>proxy-ssl-*</c>): the backend's certificate verified against its CA bundle and name, a client
/// certificate presented, the TLS versions limited. Each keeps its own connection pool.
/// </summary>
public sealed class BackendClients : IDisposable
{
    private readonly ProxyOptions _settings;
    private readonly BackendConnector _connector;
    private readonly ConcurrentDictionary<BackendTls, HttpMessageInvoker> _byPolicy = new();

    public BackendClients(IOptions<ProxyOptions> options, BackendConnector connector)
    {
        ArgumentNullException.ThrowIfNull(options);
        _settings = options.Value;
        _connector = connector;
#pragma warning disable CA5359 // Deliberate, documented: nginx's default (see above).
        Default = Create(new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true });
#pragma warning restore CA5359
    }

    public HttpMessageInvoker Default { get; }

    /// <summary>The client for backends of an Ingress with <paramref name="tls"/> (the default one without).</summary>
    public HttpMessageInvoker For(BackendTls? tls) => tls is null ? Default : _byPolicy.GetOrAdd(tls, Create);

    public void Dispose()
    {
        Default.Dispose();
        foreach (var client in _byPolicy.Values)
        {
            client.Dispose();
        }
    }

    private HttpMessageInvoker Create(BackendTls tls)
    {
        var authorities = new X509Certificate2Collection();
        if (tls.CaPem is { } ca)
        {
            authorities.ImportFromPem(ca);
        }

        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = tls.Protocols.Split(' ').Aggregate(System.Security.Authentication.SslProtocols.None, (all, v) => all | (v == "TLSv1.3" ? System.Security.Authentication.SslProtocols.Tls13 : System.Security.Authentication.SslProtocols.Tls12)),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (sender, certificate, _, _) => !tls.Verify || Verifies(tls, authorities, certificate, ((SslStream)sender).TargetHostName),
        };
        if (tls.CertificatePem is { } pem && tls.KeyPem is { } key)
        {
            // Loaded through PKCS#12: on Linux an SslStream client needs a certificate whose key it can use.
            using var loaded = X509Certificate2.CreateFromPem(pem, key);
            ssl.ClientCertificates = [X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null)];
        }

        return Create(ssl);
    }

    /// <summary>The backend's certificate chains to the bundle within the depth, and holds the expected name.</summary>
    private static bool Verifies(BackendTls tls, X509Certificate2Collection authorities, X509Certificate? presented, string targetHost)
    {
        if (presented is null)
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return Tls.CertificateChain.Failure(certificate, authorities, tls.Depth) is null && certificate.MatchesHostname(tls.Name ?? targetHost);
    }

    private HttpMessageInvoker Create(SslClientAuthenticationOptions ssl) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        // Each request's own connect timeout (an Ingress's proxy-connect-timeout, else UpstreamConnectTimeout) is
        // applied by the connector; the handler's is only the outer bound.
        ConnectTimeout = ProxyOptions.MaxConnectTimeout,
        ConnectCallback = (context, cancellationToken) => _connector.ConnectAsync(context, _settings.UpstreamConnectTimeout, cancellationToken),
        PooledConnectionIdleTimeout = _settings.UpstreamIdleTimeout,
        SslOptions = ssl,

        // Replaces the client's trace headers with the forward's own span, so the backend's span is
        // its child; without an active span the client's headers pass through untouched.
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    });
}

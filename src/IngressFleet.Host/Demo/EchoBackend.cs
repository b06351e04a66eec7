using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IngressFleet.Host.Demo;

/// <summary>
/// A small HTTP backend that answers every request with a JSON description of it (its name, method,
/// path, query, headers and body), so a client can see which backend answered and what it was sent.
/// A <c>status</c> query parameter sets the response status. Used by the demo and by the tests.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    /// <summary>The port it listens on (the one asked for, or the one the OS chose for 0).</summary>
    public int Port { get; private set; }

    /// <param name="name">Its name, answered in every response.</param>
    /// <param name="port">The port; 0 lets the OS choose.</param>
    /// <param name="address">The address; loopback by default.</param>
    /// <param name="protocols">HTTP/1.1 by default; <see cref="HttpProtocols.Http2"/> alone serves h2c (HTTP/2 by prior knowledge).</param>
    /// <param name="certificate">Serve HTTPS with this certificate.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<EchoBackend> StartAsync(
        string name,
        int port = 0,
        IPAddress? address = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        X509Certificate2? certificate = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = protocols;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var backend = new EchoBackend(name, app);
        app.UseWebSockets();
        app.Run(backend.AnswerAsync);
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(bound).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.WebSockets.IsWebSocketRequest)
        {
            await EchoWebSocketAsync(context);
            return;
        }

        if (request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            await EchoGrpcAsync(context);
            return;
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var echo = new EchoResponse(
            Name,
            request.Protocol,
            request.Scheme,
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        context.Response.Headers["X-Echo-Backend"] = Name;
        if (int.TryParse(request.Query["status"], System.Globalization.CultureInfo.InvariantCulture, out var status) && status is >= 200 and <= 599)
        {
            context.Response.StatusCode = status;
        }

        await context.Response.WriteAsJsonAsync(echo, EchoResponse.JsonOptions, context.RequestAborted);
    }

    /// <summary>Sends every message back as it came, until the client closes.</summary>
    private static async Task EchoWebSocketAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }

    /// <summary>
    /// A unary gRPC echo for any method: the request message (one length-prefixed frame) comes back as the
    /// response message, with <c>grpc-status: 0</c> in the trailers, as gRPC over HTTP/2 specifies.
    /// </summary>
    private async Task EchoGrpcAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["X-Echo-Backend"] = Name;
        await context.Response.Body.WriteAsync(body.ToArray(), context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}

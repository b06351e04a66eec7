using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IngressFleet.Demo;

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

    public static async Task<EchoBackend> StartAsync(string name, int port = 0, IPAddress? address = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, port));
        var app = builder.Build();
        var backend = new EchoBackend(name, app);
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
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var echo = new EchoResponse(
            Name,
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
}

/// <summary>What an <see cref="EchoBackend"/> answers.</summary>
public sealed record EchoResponse(
    string Backend,
    string Method,
    string Path,
    string Query,
    Dictionary<string, string> Headers,
    string Body)
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}

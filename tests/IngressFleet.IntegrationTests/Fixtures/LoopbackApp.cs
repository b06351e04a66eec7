using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IngressFleet.Tests.Fixtures;

/// <summary>The in-process servers of the tests (OTLP receiver, fake API server, slow backend): Kestrel on a loopback port the OS picks, no logging.</summary>
internal static class LoopbackApp
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder.Build();
    }

    /// <summary>Starts the app and returns the address it listens on.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>A backend that answers every request with <paramref name="status"/> and no body, started; and its port.</summary>
    public static async Task<(WebApplication App, int Port)> StartAnsweringAsync(int status)
    {
        var app = Create();
        app.Run(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        return (app, (await StartAsync(app)).Port);
    }
}

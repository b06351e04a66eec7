using System.Net;
using Yarp.ReverseProxy.Configuration;

// backend PORT: answers every request with a small fixed body, as the benchmark's upstream.
// yarp PORT DESTINATION: bare YARP, one catch-all route to DESTINATION, configured from memory.
if (args is ["backend", var backendPort])
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(backendPort, System.Globalization.CultureInfo.InvariantCulture)));
    var app = builder.Build();
    var body = "hello from the benchmark backend\n"u8.ToArray();
    app.Run(context =>
    {
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    });
    await app.RunAsync();
    return 0;
}

if (args is ["yarp", var proxyPort, var destination])
{
    var builder = WebApplication.CreateBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, int.Parse(proxyPort, System.Globalization.CultureInfo.InvariantCulture)));
    builder.Services.AddReverseProxy().LoadFromMemory(
        [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**catch-all}" } }],
        [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = destination } } }]);
    var app = builder.Build();
    app.MapReverseProxy();
    await app.RunAsync();
    return 0;
}

await Console.Error.WriteLineAsync("usage: BenchApps backend PORT | BenchApps yarp PORT DESTINATION");
return 2;

using System.Net;
using Yarp.ReverseProxy.Configuration;

// Every app listens on loopback, or on BENCH_LISTEN_ADDRESS when set (the chaos runner's network namespaces
// reach the backends across a bridge).
// backend PORT: answers every request with a small fixed body, as the benchmark's upstream.
// yarp PORT DESTINATION: bare YARP, one catch-all route to DESTINATION, configured from memory.
if (args is ["backend", var backendPort])
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(ListenAddress(), int.Parse(backendPort, System.Globalization.CultureInfo.InvariantCulture)));
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
    builder.WebHost.ConfigureKestrel(k => k.Listen(ListenAddress(), int.Parse(proxyPort, System.Globalization.CultureInfo.InvariantCulture)));
    builder.Services.AddReverseProxy().LoadFromMemory(
        [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "{**catch-all}" } }],
        [new ClusterConfig { ClusterId = "backend", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = destination } } }]);
    var app = builder.Build();
    app.MapReverseProxy();
    await app.RunAsync();
    return 0;
}

// slow PORT DELAY_MS: answers after DELAY_MS, recording its own peak concurrency; GET /__stats reads
// {"peak":N,"served":N} and resets the peak.
if (args is ["slow", var slowPort, var delayMs])
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(ListenAddress(), int.Parse(slowPort, System.Globalization.CultureInfo.InvariantCulture)));
    var app = builder.Build();
    var delay = TimeSpan.FromMilliseconds(int.Parse(delayMs, System.Globalization.CultureInfo.InvariantCulture));
    int current = 0, peak = 0, served = 0;
    app.Run(async context =>
    {
        if (context.Request.Path == "/__stats")
        {
            await context.Response.WriteAsJsonAsync(new { peak = Interlocked.Exchange(ref peak, Volatile.Read(ref current)), served = Volatile.Read(ref served) });
            return;
        }

        var now = Interlocked.Increment(ref current);
        int seen;
        while (now > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
        {
        }

        await Task.Delay(delay);
        Interlocked.Decrement(ref current);
        Interlocked.Increment(ref served);
        await context.Response.WriteAsync("slow\n");
    });
    await app.RunAsync();
    return 0;
}

await Console.Error.WriteLineAsync("usage: BenchApps backend PORT | BenchApps yarp PORT DESTINATION | BenchApps slow PORT DELAY_MS");
return 2;

static IPAddress ListenAddress() =>
    Environment.GetEnvironmentVariable("BENCH_LISTEN_ADDRESS") is { Length: > 0 } address ? IPAddress.Parse(address) : IPAddress.Loopback;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.Fixtures;

/// <summary>A backend that takes <see cref="ServiceTime"/> per request and records its own peak concurrency and request count.</summary>
public sealed class SlowBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _current;
    private int _peak;
    private int _served;

    private SlowBackend(WebApplication app, TimeSpan serviceTime)
    {
        _app = app;
        ServiceTime = serviceTime;
    }

    public TimeSpan ServiceTime { get; }

    public int Port { get; private set; }

    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Requests being served now.</summary>
    public int Current => Volatile.Read(ref _current);

    public int Served => Volatile.Read(ref _served);

    public static async Task<SlowBackend> StartAsync(TimeSpan serviceTime)
    {
        var app = LoopbackApp.Create();
        var backend = new SlowBackend(app, serviceTime);
        app.Run(backend.AnswerAsync);
        backend.Port = (await LoopbackApp.StartAsync(app)).Port;
        return backend;
    }

    public void ResetPeak() => Interlocked.Exchange(ref _peak, Volatile.Read(ref _current));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task AnswerAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _current);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        try
        {
            await Task.Delay(ServiceTime);
            context.Response.Headers["X-Echo-Backend"] = "slow";
            await context.Response.WriteAsync("ok");
        }
        finally
        {
            Interlocked.Decrement(ref _current);
            Interlocked.Increment(ref _served);
        }
    }
}

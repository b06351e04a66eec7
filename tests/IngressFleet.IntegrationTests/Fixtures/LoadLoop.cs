using System.Diagnostics;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// Steady requests from a few workers to one URL, counting answers and failures, bounded by its
/// cancellation and a per-request timeout. Connections are short-lived so a TCP balancer spreads them,
/// as it would many clients.
/// </summary>
public sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _client;
    private readonly Task[] _workers;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _failures = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _succeeded;
    private int _failed;

    public LoadLoop(Uri url, string host, int workers = 4)
    {
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMilliseconds(300) })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(url, host)))];
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public TimeSpan Elapsed => _clock.Elapsed;

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The first failures, each with its time since the start and its cause.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Stops the workers and returns (succeeded, failed).</summary>
    public async Task<(int Succeeded, int Failed)> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return (Succeeded, Failed);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private void Fail(string cause)
    {
        if (Interlocked.Increment(ref _failed) <= 10)
        {
            _failures.Enqueue($"{_clock.Elapsed.TotalSeconds:0.000} s: {cause}");
        }
    }

    private async Task WorkAsync(Uri url, string host)
    {
        var pace = Stopwatch.StartNew();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Host = host;
                using var response = await _client.SendAsync(request, _stop.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    Fail($"status {(int)response.StatusCode}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
            }

            // About 100 requests/s per worker: enough to see every failure window, light on 2 cores.
            var wait = TimeSpan.FromMilliseconds(10) - pace.Elapsed;
            pace.Restart();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }
}

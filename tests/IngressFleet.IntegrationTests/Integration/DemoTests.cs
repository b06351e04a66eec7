using IngressFleet.Tests.Fixtures;
using Xunit.Abstractions;

namespace IngressFleet.Tests.Integration;

/// <summary>The README's demo, run as the real executable: sample Ingresses routing to sample backends.</summary>
public sealed class DemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_RoutesTheSampleHostsToTheSampleBackends()
    {
        await using var host = HostProcess.Start("--demo");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () => await host.WhoAnswersAsync("shop.example.com", "/") != "404", TimeSpan.FromSeconds(10), "demo routes");
        output.WriteLine($"demo serving {started.ElapsedMilliseconds} ms after start");

        Assert.Matches("^shop-web-[12]$", await host.WhoAnswersAsync("shop.example.com", "/cart"));
        Assert.Equal("shop-api", await host.WhoAnswersAsync("shop.example.com", "/api/orders"));
        Assert.Equal("shop-api", await host.WhoAnswersAsync("shop.example.com", "/healthz"));
        Assert.Matches("^shop-web-[12]$", await host.WhoAnswersAsync("shop.example.com", "/healthz/"));
        Assert.Equal("docs", await host.WhoAnswersAsync("v2.docs.example.com", "/guide"));
        Assert.Equal("fallback", await host.WhoAnswersAsync("docs.example.com", "/"));
        Assert.Equal("fallback", await host.WhoAnswersAsync("unknown.example.org", "/"));
    }
}

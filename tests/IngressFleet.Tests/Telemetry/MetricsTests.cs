using System.Globalization;
using IngressFleet.Tests.Fixtures;
using IngressFleet.Tests.Integration;

namespace IngressFleet.Tests.Telemetry;

/// <summary>The Prometheus endpoint of the admin port, scraped before and after a known number of real requests.</summary>
public sealed class MetricsTests(StandaloneHostFixture fixture) : IClassFixture<StandaloneHostFixture>
{
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task Metrics_CountRequestsByRouteBackendAndStatusClass()
    {
        _host.Write("metrics.yaml", Objects.Ingress("metrics").Rule("metrics.test", "/", "Prefix", "beta", 80).Build());
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("metrics.test", "/") == "beta", TimeSpan.FromSeconds(5), "metrics route");
        var before = await ScrapeAsync();

        for (var i = 0; i < 7; i++)
        {
            Assert.Equal("beta", await _host.WhoAnswersAsync("metrics.test", "/ok"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("beta", await _host.WhoAnswersAsync("metrics.test", "/fail?status=502"));
        }

        var after = await ScrapeAsync();

        Assert.Equal(7, Requests(after, "2xx") - Requests(before, "2xx"));
        Assert.Equal(3, Requests(after, "5xx") - Requests(before, "5xx"));
        Assert.Contains(after, l => l.StartsWith("ingressfleet_proxy_request_duration_seconds_bucket{", StringComparison.Ordinal) && l.Contains("backend=\"default/beta:80\"", StringComparison.Ordinal));
        var version = Value(after.Single(l => l.StartsWith("ingressfleet_config_version", StringComparison.Ordinal) && !l.StartsWith('#')));
        Assert.Equal((await _host.AdminJsonAsync("/api/v1/status")).GetProperty("version").GetInt64(), (long)version);
        _host.Delete("metrics.yaml");
    }

    private static double Requests(IEnumerable<string> lines, string statusClass) =>
        lines.Where(l => l.StartsWith("ingressfleet_proxy_request_duration_seconds_count{", StringComparison.Ordinal)
                && l.Contains("route=\"default/metrics\"", StringComparison.Ordinal)
                && l.Contains($"status_class=\"{statusClass}\"", StringComparison.Ordinal))
            .Sum(Value);

    private static double Value(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private async Task<string[]> ScrapeAsync() =>
        (await _host.Admin.GetStringAsync("/metrics")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using IngressFleet.Tests.Integration;

namespace IngressFleet.Tests.Telemetry;

/// <summary>The Prometheus endpoint of the admin port, scraped before and after a known number of real requests.</summary>
public sealed partial class MetricsTests(StandaloneHostFixture fixture) : IClassFixture<StandaloneHostFixture>
{
    private readonly StandaloneHost _host = fixture.Host;

    [Fact]
    public async Task Metrics_CountRequestsByRouteBackendAndStatus_AndUpstreamErrors()
    {
        await RouteMetricsTrafficAsync();
        var before = await ScrapeAsync();

        for (var i = 0; i < 7; i++)
        {
            Assert.Equal("beta", await _host.WhoAnswersAsync("metrics.test", "/ok"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("beta", await _host.WhoAnswersAsync("metrics.test", "/fail?status=502"));
        }

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("502", await _host.WhoAnswersAsync("metrics-down.test", "/"));
        }

        // A request is recorded when its handler finishes, a moment after the client has the response.
        var after = await Eventually.ValueAsync(
            async () =>
            {
                var scrape = await ScrapeAsync();
                return Sum(scrape, Requests("200")) - Sum(before, Requests("200")) >= 7
                    && Sum(scrape, Requests("502")) - Sum(before, Requests("502")) >= 3
                    && Sum(scrape, UpstreamErrors) - Sum(before, UpstreamErrors) >= 2 ? scrape : null;
            },
            TimeSpan.FromSeconds(5),
            "the requests recorded");

        Assert.Equal(7, Sum(after, Requests("200")) - Sum(before, Requests("200")));
        Assert.Equal(3, Sum(after, Requests("502")) - Sum(before, Requests("502")));
        Assert.Equal(2, Sum(after, UpstreamErrors) - Sum(before, UpstreamErrors));
        Assert.Contains(after, l => l.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal) && l.Contains("ingressfleet_backend=\"default/beta:80\"", StringComparison.Ordinal));
        Assert.Equal(0, Sum(after, l => l.StartsWith("ingressfleet_backend_active_requests{", StringComparison.Ordinal) && l.Contains("default/metrics-down:80", StringComparison.Ordinal)));
        Assert.Contains(after, l => l.StartsWith("ingressfleet_backend_active_requests{", StringComparison.Ordinal) && l.Contains("default/metrics-down:80", StringComparison.Ordinal));
        var version = Value(after.Single(l => l.StartsWith("ingressfleet_config_version", StringComparison.Ordinal)));
        Assert.Equal((await _host.AdminJsonAsync("/api/v1/status")).GetProperty("version").GetInt64(), (long)version);
        Assert.True(Sum(after, l => l.StartsWith("ingressfleet_config_propagation_lag_seconds_count", StringComparison.Ordinal)) >= 1, "no config apply was measured");
    }

    /// <summary>
    /// Every metric and label a dashboard queries is one the app emits: the dashboards are checked against a
    /// real scrape after real traffic (successes, backend errors, upstream errors, a config change).
    /// </summary>
    /// <remarks>
    /// Against the real executable, alone in its process: in this test process several hosts share meter names
    /// (Kestrel's, HttpClient's), and one host's disposal can end another's series of the same name.
    /// </remarks>
    [Fact]
    public async Task Dashboards_QueryOnlyMetricsAndLabelsTheAppEmits()
    {
        var folder = Directory.CreateTempSubdirectory("ingressfleet-dashboards-").FullName;
        await using var backend = await EchoBackend.StartAsync("beta");
        File.WriteAllText(Path.Combine(folder, "traffic.yaml"), k8s.KubernetesYaml.SerializeAll(
        [
            Objects.Ingress("dashboard").Rule("dashboard-ok.test", "/", "Prefix", "beta", "http").Rule("dashboard-down.test", "/", "Prefix", "dashboard-down", 80).Build(),
            .. ObjectsForBackends.ServiceFor("beta", backend),
            Objects.Service("dashboard-down", "default", Objects.Port(80)),
            Objects.Slice("dashboard-down", "default", null, FreePorts.Take(1)[0], ("127.0.0.1", true)),

            // Limits and an ejection, so their panels' series exist: a probed backend with a dead destination, an
            // Ingress with both fleet-wide limits, one with a per-client limit.
            Objects.Ingress("dashboard-probed").Rule("dashboard-probed.test", "/", "Prefix", "dashboard-probed", "http")
                .Annotate("ingressfleet.io/health-check-path", "/healthz").Annotate("ingressfleet.io/health-check-interval", "200ms")
                .Annotate("ingressfleet.io/health-check-timeout", "100ms").Annotate("ingressfleet.io/health-check-unhealthy-threshold", "1").Build(),
            .. ObjectsForBackends.ServiceFor("dashboard-probed", "http", backend.Port, FreePorts.Take(1)[0]),
            Objects.Ingress("dashboard-limited").Rule("dashboard-limited.test", "/", "Prefix", "beta", "http")
                .Annotate("ingressfleet.io/max-connections", "5").Annotate("ingressfleet.io/limit-rps", "100").Build(),
            Objects.Ingress("dashboard-per-client").Rule("dashboard-per-client.test", "/", "Prefix", "beta", "http")
                .Annotate("nginx.ingress.kubernetes.io/limit-rps", "1").Annotate("nginx.ingress.kubernetes.io/limit-burst-multiplier", "1").Build(),
        ]));
        await using var host = HostProcess.Start("--manifests", folder, "--access-log", "off");
        await host.WaitReadyAsync(TimeSpan.FromSeconds(60));

        // A change after the start, so a delta travels and its propagation lag is measured.
        File.WriteAllText(Path.Combine(folder, "change.yaml"), k8s.KubernetesYaml.SerializeAll([Objects.Ingress("changed").Rule("changed.test", "/", "Prefix", "beta", "http").Build()]));
        await Eventually.HoldsAsync(async () => await host.WhoAnswersAsync("changed.test", "/") == "beta", TimeSpan.FromSeconds(10), "the change served");
        Assert.Equal("beta", await host.WhoAnswersAsync("dashboard-ok.test", "/ok"));
        Assert.Equal("beta", await host.WhoAnswersAsync("dashboard-ok.test", "/fail?status=503"));
        Assert.Equal("502", await host.WhoAnswersAsync("dashboard-down.test", "/"));
        Assert.Equal("beta", await host.WhoAnswersAsync("dashboard-limited.test", "/"));
        var perClient = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            perClient.Add(await host.WhoAnswersAsync("dashboard-per-client.test", "/"));
        }

        Assert.Contains("503", perClient);
        await Eventually.HoldsAsync(
            async () => (await host.AdminJsonAsync("/api/v1/health")).GetProperty("backends").EnumerateArray().Any(b => b.GetProperty("destinations").EnumerateArray().Any(d => !d.GetProperty("healthy").GetBoolean())),
            TimeSpan.FromSeconds(15),
            "the probed backend's dead destination ejected");

        // Requests are recorded as their handlers finish, a moment after the client has the response.
        var scrape = await Eventually.ValueAsync(
            async () =>
            {
                var lines = (await host.Admin.GetStringAsync("/metrics")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
                return lines.Any(l => l.StartsWith("ingressfleet_backend_upstream_errors_total", StringComparison.Ordinal))
                    && lines.Any(l => l.StartsWith("ingressfleet_limit_permits", StringComparison.Ordinal))
                    && lines.Any(l => l.StartsWith("ingressfleet_backend_ejected_destinations{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)) ? lines : null;
            },
            TimeSpan.FromSeconds(5),
            "the traffic recorded");
        Directory.Delete(folder, recursive: true);
        var labelsByMetric = scrape
            .Select(l => SampleLine().Match(l))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups["name"].Value)
            .ToDictionary(g => g.Key, g => g.SelectMany(m => LabelName().Matches(m.Groups["labels"].Value).Select(x => x.Groups[1].Value)).Append("instance").Append("job").ToHashSet());

        var dashboards = Directory.GetFiles(Path.Combine(Repository.Root, "dashboards"), "*.json");
        Assert.NotEmpty(dashboards);
        var checkedQueries = 0;
        foreach (var file in dashboards)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.True(json.RootElement.TryGetProperty("panels", out _), $"{file} is not a Grafana dashboard");
            foreach (var query in Queries(json.RootElement))
            {
                var metrics = MetricNames(query).ToList();
                Assert.True(metrics.Count > 0, $"{Path.GetFileName(file)}: no metric found in \"{query}\"");
                foreach (var metric in metrics)
                {
                    Assert.True(labelsByMetric.ContainsKey(metric), $"{Path.GetFileName(file)} queries {metric}, which the app does not emit: \"{query}\"");
                }

                foreach (var label in LabelNames(query))
                {
                    Assert.True(metrics.Any(m => labelsByMetric[m].Contains(label)), $"{Path.GetFileName(file)} uses label {label}, which none of {string.Join(", ", metrics)} has: \"{query}\"");
                }

                checkedQueries++;
            }
        }

        Assert.True(checkedQueries >= 10, $"only {checkedQueries} queries found");
    }

    private static Func<string, bool> Requests(string status) => l =>
        l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
        && l.Contains("ingressfleet_backend=\"default/beta:80\"", StringComparison.Ordinal)
        && l.Contains("ingressfleet_route=\"default/metrics\"", StringComparison.Ordinal)
        && l.Contains($"http_response_status_code=\"{status}\"", StringComparison.Ordinal);

    private static bool UpstreamErrors(string l) =>
        l.StartsWith("ingressfleet_backend_upstream_errors_total{", StringComparison.Ordinal)
        && l.Contains("ingressfleet_backend=\"default/metrics-down:80\"", StringComparison.Ordinal);

    /// <summary>
    /// Routes of a test's own (so that one test's requests, recorded a moment after their responses, never
    /// count in another's): metrics.test to the beta backend, metrics-down.test to a closed port.
    /// </summary>
    private async Task RouteMetricsTrafficAsync(string down = "metrics-down")
    {
        _host.Write(
            $"{down}.yaml",
            Objects.Ingress(down == "metrics-down" ? "metrics" : down)
                .Rule(down == "metrics-down" ? "metrics.test" : $"{down}-ok.test", "/", "Prefix", "beta", 80)
                .Rule($"{down}.test", "/", "Prefix", down, 80)
                .Build(),
            Objects.Service(down, "default", Objects.Port(80)),
            Objects.Slice(down, "default", null, FreePorts.Take(1)[0], ("127.0.0.1", true)));
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync($"{down}.test", "/") == "502", TimeSpan.FromSeconds(5), "metrics routes");
    }

    /// <summary>Every PromQL query of a dashboard: panel targets (rows included) and templating queries.</summary>
    private static IEnumerable<string> Queries(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "expr" or "definition" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } query)
                    {
                        yield return query;
                    }
                    else
                    {
                        foreach (var nested in Queries(property.Value))
                        {
                            yield return nested;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in Queries(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "sum", "avg", "min", "max", "count", "topk", "bottomk", "quantile", "stddev", "stdvar", "count_values", "group",
        "inf", "nan", "le",
    };

    /// <summary>The metric names of a query: identifiers outside label matchers, ranges, strings and grouping clauses that are not function calls.</summary>
    private static IEnumerable<string> MetricNames(string query)
    {
        var stripped = LabelValues().Replace(query, "$1");
        stripped = StringLiteral().Replace(stripped, "\"\"");
        stripped = LabelMatchers().Replace(stripped, " ");
        stripped = RangeSelector().Replace(stripped, " ");
        stripped = GroupingClause().Replace(stripped, " ");
        stripped = Variable().Replace(stripped, " ");
        foreach (Match m in Identifier().Matches(stripped))
        {
            var name = m.Groups["name"].Value;
            var isCall = m.Groups["call"].Success;
            if (!isCall && !PromQlWords.Contains(name))
            {
                yield return name;
            }
        }
    }

    /// <summary>The label names a query groups by, matches on, or names in label_values().</summary>
    private static IEnumerable<string> LabelNames(string query)
    {
        foreach (Match clause in GroupingClause().Matches(query))
        {
            foreach (var label in clause.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return label;
            }
        }

        foreach (Match matchers in LabelMatchers().Matches(StringLiteral().Replace(query, "\"\"")))
        {
            foreach (Match label in MatcherLabel().Matches(matchers.Value))
            {
                yield return label.Groups[1].Value;
            }
        }

        foreach (Match values in LabelValues().Matches(query))
        {
            yield return values.Groups[2].Value;
        }
    }

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>[^}]*)\\})? ")]
    private static partial Regex SampleLine();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"")]
    private static partial Regex LabelName();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("\\{[^}]*\\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();

    [GeneratedRegex("\\[[^\\]]*\\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\((?<labels>[^)]*)\\)")]
    private static partial Regex GroupingClause();

    [GeneratedRegex("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*\\}?")]
    private static partial Regex Variable();

    [GeneratedRegex("(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\\s*\\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex("label_values\\(([^,)]*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)")]
    private static partial Regex LabelValues();

    private static double Sum(IEnumerable<string> lines, Func<string, bool> select) => lines.Where(select).Sum(Value);

    private static double Value(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private async Task<string[]> ScrapeAsync() =>
        (await _host.Admin.GetStringAsync("/metrics")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
}

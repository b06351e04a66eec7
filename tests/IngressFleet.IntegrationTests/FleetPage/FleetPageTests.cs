using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace IngressFleet.Tests.FleetPage;

/// <summary>
/// The fleet page in a real browser (Debian's headless chromium, driven by Selenium through its chromedriver)
/// against a 3-silo fleet on redis-server: what an operator sees, as it changes, without reloading.
/// </summary>
public sealed partial class FleetPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingressfleet-page-").FullName;
    private readonly List<HostProcess> _silos = [];
    private RedisServer _redis = null!;
    private EchoBackend _echo = null!;
    private int _deadPort;
    private ChromeDriver _browser = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _echo = await EchoBackend.StartAsync("web");
        _deadPort = FreePorts.Take(1)[0];
        ManifestWriter.Write(
            _folder,
            "fleet.yaml",
            [
                Objects.Ingress("web").Rule("web.test", "/", "Prefix", "web", "http").Build(),
                Objects.Ingress("probed").Rule("probed.test", "/", "Prefix", "probed", "http")
                    .Annotate("ingressfleet.io/health-check-path", "/healthz")
                    .Annotate("ingressfleet.io/health-check-interval", "500ms")
                    .Annotate("ingressfleet.io/health-check-timeout", "200ms")
                    .Annotate("ingressfleet.io/health-check-unhealthy-threshold", "1")
                    .Build(),
                Objects.Ingress("limited").Rule("limited.test", "/", "Prefix", "web", "http")
                    .Annotate("ingressfleet.io/max-connections", "5").Annotate("ingressfleet.io/limit-rps", "50").Build(),
                .. ObjectsForBackends.ServiceFor("web", _echo),
                .. ObjectsForBackends.ServiceFor("probed", "http", _echo.Port, _deadPort),
            ]);
        for (var i = 1; i <= 3; i++)
        {
            _silos.Add(HostProcess.Start(
                SiloPorts.Free(), "--cluster", "redis", "--redis", _redis.Endpoint, "--name", $"page-silo-{i}", "--manifests", _folder, "--access-log", "off", "--Logging:LogLevel:Default=Warning"));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        _browser = StartBrowser();
    }

    public async Task DisposeAsync()
    {
        _browser?.Quit();
        _browser?.Dispose();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _redis.DisposeAsync();
        await _echo.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ThePage_ShowsTheFleetLive_AsItChanges_WithoutAReload()
    {
        var page = new Uri(_silos[0].Admin.BaseAddress!, "/");
        _browser.Navigate().GoToUrl(page);

        // 1. The three silos, each with the version it serves: the fleet's.
        await ShowsAsync(
            () => Rows("#silos tr[data-silo]") is { Count: 3 } rows
                && rows.Select(r => r.GetAttribute("data-silo")).Order(StringComparer.Ordinal).SequenceEqual(["page-silo-1", "page-silo-2", "page-silo-3"])
                && rows.All(r => AtTheFleetsVersion().IsMatch(r.Text) && r.Text.Contains("current", StringComparison.Ordinal)),
            "three silos, each at the fleet's version");
        var version = Body.GetAttribute("data-version") ?? "0";

        // 2. A manifest change: the new route appears and the version advances, in the same page (no reload).
        _browser.ExecuteScript("window.stillTheSamePage = true;");
        ManifestWriter.Write(_folder, "added.yaml", [Objects.Ingress("added").Rule("added.test", "/new", "Exact", "web", "http").Build()]);
        await ShowsAsync(() => Rows("#route-table tbody tr").Any(r => r.Text.Contains("added.test", StringComparison.Ordinal)), "the added route listed");
        await ShowsAsync(() => long.TryParse(Body.GetAttribute("data-version"), CultureInfo.InvariantCulture, out var shown) && shown > long.Parse(version, CultureInfo.InvariantCulture), "the version advanced");
        Assert.Equal(true, _browser.ExecuteScript("return window.stillTheSamePage === true;"));
        await ShowsAsync(() => Rows("#versions tbody tr[data-version]").Count >= 2, "the new version in the timeline");

        // 3. The search narrows the routes, from the keyboard.
        var search = _browser.FindElement(By.Id("route-search"));
        search.SendKeys("added");
        await ShowsAsync(() => Rows("#route-table tbody tr") is { Count: 1 } only && only[0].Text.Contains("/new", StringComparison.Ordinal), "the search leaving the added route alone");
        search.Clear();
        search.SendKeys(" ");

        // 4. A destination the probes find dead shows as ejected, with who decided it.
        var dead = $"127.0.0.1:{_deadPort}";
        await ShowsAsync(() => Rows($"#destinations tr[data-destination='{dead}']") is { Count: 1 } row && row[0].Text.Contains("ejected", StringComparison.Ordinal) && row[0].Text.Contains("page-silo-", StringComparison.Ordinal), $"{dead} shown ejected");

        // 5. A rejected object shows with its reason.
        ManifestWriter.Write(_folder, "broken.yaml", [Objects.Ingress("broken").Rule("broken.test", "/", "Prefix", "web", "http").Annotate("ingressfleet.io/max-connections", "many").Build()]);
        await ShowsAsync(
            () => Rows("li[data-problem='Ingress/default/broken']") is { Count: 1 } item && item[0].Text.Contains("rejected", StringComparison.Ordinal) && item[0].Text.Contains("must be a whole number", StringComparison.Ordinal),
            "the broken Ingress rejected, with its reason");

        // 6. The limits, with each silo's lease.
        await _silos[0].WhoAnswersAsync("limited.test", "/");
        await ShowsAsync(() => Rows("#limit-table tr[data-limit^='connections|default/limited']").Count >= 1, "the connection limit listed");

        // 7. Keyboard first: on a fresh load the first Tab reaches the skip link, the next one the sections' links.
        _browser.Navigate().Refresh();
        await ShowsAsync(() => Rows("#silos tr[data-silo]").Count == 3, "the page loaded again");
        Body.SendKeys(Keys.Tab);
        Assert.Equal("Skip to content", _browser.SwitchTo().ActiveElement().Text);
        _browser.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
        Assert.Equal("Silos", _browser.SwitchTo().ActiveElement().Text);

        Screenshot("fleet-page.png");
        AssertNoConsoleErrors();

        // 8. Readable on a narrow window: nothing wider than the window but the tables, which scroll on their own.
        _browser.Manage().Window.Size = new System.Drawing.Size(420, 900);
        await ShowsAsync(() => Convert.ToInt64(_browser.ExecuteScript("return document.documentElement.scrollWidth - window.innerWidth;"), CultureInfo.InvariantCulture) <= 0, "no horizontal scrolling of the page");
        Screenshot("fleet-page-narrow.png");
        _browser.Manage().Window.Size = new System.Drawing.Size(1280, 800);

        // 9. SIGKILL of a silo: it leaves the list (the fleet view lists live members only).
        var clock = Stopwatch.StartNew();
        _silos[2].Kill();
        await ShowsAsync(() => Rows("#silos tr[data-silo]") is { Count: 2 } rows && rows.All(r => r.GetAttribute("data-silo") != "page-silo-3"), "the killed silo gone from the page");
        output.WriteLine($"killed silo gone from the page {clock.Elapsed.TotalSeconds:0.0} s after SIGKILL");

        // While the dead silo was being declared, the fleet view may have answered 503: the browser logs that load
        // as an error of the network, which the page shows as a banner; no script error.
        AssertNoConsoleErrors(allowUnavailable: true);
    }

    private IWebElement Body => _browser.FindElement(By.TagName("body"));

    /// <summary>"applied / fleet" with the two the same.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\b(\d+) / \1\b")]
    private static partial System.Text.RegularExpressions.Regex AtTheFleetsVersion();

    private ReadOnlyCollection<IWebElement> Rows(string selector) => _browser.FindElements(By.CssSelector(selector));

    /// <summary>Waits until the page shows what <paramref name="condition"/> looks for (the page redraws every second).</summary>
    private async Task ShowsAsync(Func<bool> condition, string what)
    {
        try
        {
            // The page redraws every second: an element read as it is replaced is stale, which means "look again".
            await Eventually.HoldsAsync(() => Task.FromResult(condition()), Bound, what);
        }
        catch (Exception)
        {
            Screenshot($"fleet-page-failed-{DateTime.UtcNow:HHmmss}.png");
            throw;
        }
    }

    private void AssertNoConsoleErrors(bool allowUnavailable = false)
    {
        var errors = _browser.Manage().Logs.GetLog(LogType.Browser)
            .Where(e => e.Level >= LogLevel.Severe)
            .Where(e => !(allowUnavailable && e.Message.Contains("/api/v1/fleet", StringComparison.Ordinal) && e.Message.Contains("status of 503", StringComparison.Ordinal)))
            .Select(e => e.Message)
            .ToList();
        Assert.True(errors.Count == 0, $"console errors: {string.Join(" | ", errors)}");
    }

    /// <summary>A screenshot under artifacts/ (the CI keeps that folder), one per run.</summary>
    private void Screenshot(string name)
    {
        var folder = Path.Combine(Repository.Root, "artifacts");
        Directory.CreateDirectory(folder);
        _browser.GetScreenshot().SaveAsFile(Path.Combine(folder, name));
        output.WriteLine($"screenshot: artifacts/{name}");
    }

    private static ChromeDriver StartBrowser()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800", "--force-device-scale-factor=1");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using IngressFleet.Host.Hosting;
using Microsoft.AspNetCore.Builder;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// The real IngressFleet host, in this process, on free loopback ports, reading a temporary manifest
/// folder. Requests go through real sockets; objects are written to the folder as YAML.
/// </summary>
public sealed class StandaloneHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandaloneHost(WebApplication app, string folder, int httpPort, int httpsPort, int adminPort)
    {
        _app = app;
        Folder = folder;
        HttpsPort = httpsPort;
        // What the proxy answers is what is tested: redirects are not followed.
        Proxy = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Folder { get; }

    /// <summary>The access log, a file here so tests can read it (and it stays out of the test output).</summary>
    public string AccessLogFile { get; private init; } = string.Empty;

    public int HttpsPort { get; }

    public HttpClient Proxy { get; }

    public HttpClient Admin { get; }

    /// <summary>The host's services, to look at its state directly.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<StandaloneHost> StartAsync(params string[] extraArgs)
    {
        var folder = Directory.CreateTempSubdirectory("ingressfleet-test-").FullName;

        // Outside the manifest folder, whose watcher would wake on every line.
        var accessLog = Path.Combine(Path.GetTempPath(), $"ingressfleet-access-{Guid.NewGuid():N}.log");
        var ports = FreePorts.Take(5);
        string[] args =
        [
            "--manifests", folder,
            "--listen-address", "127.0.0.1",
            "--http-port", Text(ports[0]),
            "--admin-port", Text(ports[1]),
            "--silo-port", Text(ports[2]),
            "--gateway-port", Text(ports[3]),
            "--https-port", Text(ports[4]),
            "--https-redirect-port", Text(ports[4]),
            "--Logging:LogLevel:Default=Warning",
            "--shutdown-delay", "0",
            "--access-log", accessLog,
            .. extraArgs,
        ];
        var app = IngressFleetHost.Build(args);
        await app.StartAsync();
        var host = new StandaloneHost(app, folder, ports[0], ports[4], ports[1]) { AccessLogFile = accessLog };
        await Eventually.HoldsAsync(async () => (await host.Admin.GetAsync("/healthz/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "host ready");
        return host;
    }

    /// <summary>Writes objects as one multi-document YAML file, atomically (write aside, then rename).</summary>
    public void Write(string file, params object[] objects) => ManifestWriter.Write(Folder, file, objects);

    public void WriteText(string file, string content) => ManifestWriter.WriteText(Folder, file, content);

    public void Delete(string file) => File.Delete(Path.Combine(Folder, file));

    public Task<HttpResponseMessage> GetAsync(string host, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        return Proxy.SendAsync(request);
    }

    /// <summary>Which backend answers <paramref name="host"/> and <paramref name="path"/>, or the status code when none does.</summary>
    public async Task<string> WhoAnswersAsync(string host, string path)
    {
        using var response = await GetAsync(host, path);
        return response.Headers.TryGetValues("X-Echo-Backend", out var names) ? names.First() : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }

    public async Task<JsonElement> AdminJsonAsync(string path) => await Admin.GetFromJsonAsync<JsonElement>(path);

    public async ValueTask DisposeAsync()
    {
        Proxy.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        File.Delete(AccessLogFile);
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Hosting;

/// <summary>The <c>migrate-check</c> command as a user runs it: the executable, a folder, an exit code.</summary>
public sealed class MigrateCheckTests
{
    [Fact]
    public async Task AFolderWithDifferences_ExitsOne_WithTheReport()
    {
        var folder = Path.Combine(Repository.Root, "tests", "IngressFleet.UnitTests", "Core", "Migration", "ingress-nginx");

        var (code, output) = await RunAsync("migrate-check", "--manifests", folder, "--format", "json");

        Assert.Equal(1, code);
        Assert.Contains("\"name\": \"snippet\"", output, StringComparison.Ordinal);
        Assert.Contains("refused (not served)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRunningConfig_HasTheSameReport_OnTheAdminApi()
    {
        // The realistic ingress-nginx Ingresses served by a host: its admin API's report of the running config is
        // the one migrate-check gives for the same files (the golden file both are held to).
        var golden = Path.Combine(Repository.Root, "tests", "IngressFleet.UnitTests", "Core", "Migration");
        var expected = await File.ReadAllTextAsync(Path.Combine(golden, "expected.md"));
        await using var host = await StandaloneHost.StartAsync("--ingress-class", "nginx");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(golden, "ingress-nginx")))
        {
            host.WriteText(Path.GetFileName(file), await File.ReadAllTextAsync(file));
        }

        var last = string.Empty;
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await host.Admin.GetAsync("/api/v1/migration?format=markdown");
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && last == expected;
            },
            TimeSpan.FromSeconds(20),
            "the admin API's migration report equal to the golden one");

        using var json = await host.Admin.GetAsync("/api/v1/migration");
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"name\": \"snippet\"", await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var bad = await host.Admin.GetAsync("/api/v1/migration?format=yaml");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AFolderThatCarriesOver_ExitsZero()
    {
        var folder = Directory.CreateTempSubdirectory("ingressfleet-migrate-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "plain.yaml"), File.ReadAllText(Path.Combine(Repository.Root, "tests", "IngressFleet.UnitTests", "Core", "Migration", "ingress-nginx", "plain.yaml")));

            var (code, output) = await RunAsync("migrate-check", "--manifests", folder);

            Assert.Equal(0, code);
            Assert.Contains("1 Ingresses: 1 carry over as they are", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheApiServer_IsReadOnce_AsTheKubernetesSourceReadsIt()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var folder = Directory.CreateTempSubdirectory("ingressfleet-migrate-").FullName;
        try
        {
            api.Apply(
                Objects.Ingress("shop").Class("nginx").Rule("shop.example.com", "/", "Prefix", "web", 80)
                    .Annotate("nginx.ingress.kubernetes.io/rewrite-target", "/").Build(),
                Objects.Ingress("legacy").Class("nginx").Rule("legacy.example.com", "/", "Prefix", "web", 80)
                    .Annotate("nginx.ingress.kubernetes.io/configuration-snippet", "return 200;").Build(),
                Objects.Ingress("elsewhere").Class("traefik").Rule("other.example.com", "/", "Prefix", "web", 80).Build());

            var (code, output) = await RunAsync("migrate-check", "--kubeconfig", api.WriteKubeconfig(folder), "--format", "json");

            Assert.Equal(1, code);
            Assert.Contains("\"name\": \"shop\"", output, StringComparison.Ordinal);
            Assert.Contains("\"name\": \"legacy\"", output, StringComparison.Ordinal);
            Assert.DoesNotContain("elsewhere", output, StringComparison.Ordinal);
            Assert.Contains("refused (not served)", output, StringComparison.Ordinal);
            Assert.Contains(api.Requests, r => r.StartsWith("GET /apis/networking.k8s.io/v1/ingresses", StringComparison.Ordinal));
            Assert.DoesNotContain(api.Requests, r => r.Contains("watch=", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AnUnreachableApiServer_IsAUsageError_WithItsReason()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Unavailable = true;
        var folder = Directory.CreateTempSubdirectory("ingressfleet-migrate-").FullName;
        try
        {
            var (code, output) = await RunAsync("migrate-check", "--kubeconfig", api.WriteKubeconfig(folder));

            Assert.Equal(2, code);
            Assert.Contains("reading the API server failed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AMissingFolder_IsAUsageError() => Assert.Equal(2, (await RunAsync("migrate-check", "--manifests", "/nonexistent/folder")).Code);

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "IngressFleet.Host")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}

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

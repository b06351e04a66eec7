using System.Globalization;
using System.Text;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// HAProxy in TCP mode in front of silos, standing in for a cloud NLB: round robin over the silos whose
/// admin readiness check passes, no retries on another silo (an NLB does not retry either).
/// </summary>
public sealed class HaproxyNlb : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _config;

    private HaproxyNlb(ChildProcess process, string config, int port)
    {
        _process = process;
        _config = config;
        Port = port;
    }

    public int Port { get; }

    public static Task<HaproxyNlb> StartAsync(IEnumerable<SiloPorts> silos) => StartAsync(silos.Select(s => (s.Http, s.Admin)), serverOptions: null);

    /// <summary>HAProxy in front of the given HTTP ports, each health-checked on its admin port; <paramref name="serverOptions"/> such as <c>send-proxy-v2</c>.</summary>
    public static async Task<HaproxyNlb> StartAsync(IEnumerable<(int Http, int Admin)> silos, string? serverOptions)
    {
        var port = FreePorts.Take(1)[0];
        var config = new StringBuilder()
            .AppendLine("global")
            .AppendLine("  maxconn 2000")
            .AppendLine("defaults")
            .AppendLine("  mode tcp")
            .AppendLine("  timeout connect 2s")
            .AppendLine("  timeout client 30s")
            .AppendLine("  timeout server 30s")
            .AppendLine("frontend nlb")
            .AppendLine(CultureInfo.InvariantCulture, $"  bind 127.0.0.1:{port}")
            .AppendLine("  default_backend silos")
            .AppendLine("backend silos")
            .AppendLine("  balance roundrobin")
            .AppendLine("  option httpchk GET /healthz/ready")
            .AppendLine("  default-server inter 500ms fall 2 rise 2");
        foreach (var (silo, i) in silos.Select((s, i) => (s, i)))
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"  server silo-{i + 1} 127.0.0.1:{silo.Http} check port {silo.Admin} {serverOptions}");
        }

        var file = Path.Combine(Path.GetTempPath(), $"ingressfleet-haproxy-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(file, config.ToString());
        var process = ChildProcess.Start("haproxy", ["-db", "-f", file]);
        await process.WaitAcceptingAsync(port, TimeSpan.FromSeconds(10));
        return new HaproxyNlb(process, file, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        File.Delete(_config);
    }
}

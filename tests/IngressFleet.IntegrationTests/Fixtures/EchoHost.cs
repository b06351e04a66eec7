using IngressFleet.Host.Demo;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// The set-up of the annotation tests: one echo backend behind the Service <c>echo</c> (port 80, named <c>http</c>) and a
/// standalone host that has that Service; each test writes its own Ingresses.
/// </summary>
public sealed class EchoHost : IAsyncDisposable
{
    private EchoHost(EchoBackend echo, StandaloneHost host)
    {
        Echo = echo;
        Host = host;
    }

    public EchoBackend Echo { get; }

    public StandaloneHost Host { get; }

    public static async Task<EchoHost> StartAsync()
    {
        var echo = await EchoBackend.StartAsync("echo");
        var host = await StandaloneHost.StartAsync();
        host.Write("echo-service.yaml", ObjectsForBackends.ServiceFor("echo", echo));
        return new EchoHost(echo, host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Echo.DisposeAsync();
    }
}

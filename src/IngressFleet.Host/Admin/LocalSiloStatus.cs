using IngressFleet.DataPlane.Proxy;
using IngressFleet.Distribution.Fleet;
using IngressFleet.Sources.Publishing;
using Microsoft.Extensions.Options;

namespace IngressFleet.Host.Admin;

/// <summary>This silo as the fleet view shows it: ports, readiness, draining, and whether it runs the source.</summary>
internal sealed class LocalSiloStatus(Readiness readiness, SourceRunner sourceRunner, IDrainSignal drain, IOptions<ProxyOptions> proxy, IOptions<AdminOptions> admin) : ILocalSiloStatus
{
    public int HttpPort => proxy.Value.HttpPort;

    public int AdminPort => admin.Value.AdminPort;

    public bool Ready => readiness.Check().Ready;

    public bool RunsSource => sourceRunner.RunsSource;

    public bool Draining => drain.Draining;
}

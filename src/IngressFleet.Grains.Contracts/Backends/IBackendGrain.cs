using System.Collections.Immutable;
using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;
using Orleans.Runtime;

namespace IngressFleet.Grains.Contracts.Backends;

/// <summary>
/// The backend grain of one Service port (key <c>namespace/service:port</c>): its endpoints, and the fleet's
/// judgement of their health. Every silo reports what its requests saw; the grain decides, for all of them,
/// which destinations take no new requests, and assigns active probing to one silo.
/// </summary>
[Alias("ingressfleet.IBackendGrain")]
public interface IBackendGrain : IConfigItemGrain<BackendEndpoints>
{
    /// <summary>Outcomes of one silo's requests since its last report.</summary>
    [Alias("Report")]
    Task ReportAsync(string silo, ImmutableArray<DestinationOutcome> outcomes);

    /// <summary>The result of one probe by the silo assigned to probe.</summary>
    [Alias("ReportProbe")]
    Task ReportProbeAsync(string silo, string destination, bool healthy);

    /// <summary>
    /// Hands this backend's health (ejections, and a live prober when it has active checks) to the health grain
    /// again, changed or not: for a health grain that started over, or a silo that sees no live prober. Wakes the grain.
    /// </summary>
    [Alias("PublishHealthAgain")]
    Task PublishHealthAgainAsync();

    [Alias("GetHealth"), Orleans.Concurrency.AlwaysInterleave]
    Task<BackendHealth> GetHealthAsync();
}

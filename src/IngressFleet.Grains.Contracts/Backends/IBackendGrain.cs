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

    /// <summary>Makes sure a live silo is assigned to probe, when the backend has active checks; wakes the grain.</summary>
    [Alias("EnsureProber")]
    Task EnsureProberAsync();

    [Alias("GetHealth"), Orleans.Concurrency.AlwaysInterleave]
    Task<BackendHealth> GetHealthAsync();
}

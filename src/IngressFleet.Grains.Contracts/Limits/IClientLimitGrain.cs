using System.Collections.Immutable;

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>
/// One Ingress's limits per client address (key <c>clients|ingress</c>), shared out among the silos a client is
/// seen on. Silos decide every request from their own counters; this grain only hears, every renewal, which
/// clients each silo saw and how much they asked, and answers with each silo's part for the clients seen on
/// more than one. Nothing is stored: a new activation knows what the next round of reports tells it.
/// </summary>
[Alias("ingressfleet.IClientLimitGrain")]
public interface IClientLimitGrain : IGrainWithStringKey
{
    /// <summary><paramref name="silo"/>'s clients since its last report; <paramref name="connections"/> is the limit on requests in flight per client (0: none).</summary>
    [Alias("Report")]
    Task<ClientShares> ReportAsync(string silo, int connections, ImmutableArray<ClientDemand> clients);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<ClientLimitView> GetAsync();
}

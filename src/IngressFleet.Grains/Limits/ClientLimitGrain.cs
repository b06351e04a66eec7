using System.Collections.Immutable;
using IngressFleet.Grains.Contracts.Limits;
using Microsoft.Extensions.Options;

namespace IngressFleet.Grains.Limits;

/// <inheritdoc cref="IClientLimitGrain"/>
internal sealed class ClientLimitGrain(IOptions<LimitOptions> options, TimeProvider time) : Grain, IClientLimitGrain
{
    private readonly ClientLedger _ledger = new(options.Value.LimitLeaseDuration);

    public Task<ClientShares> ReportAsync(string silo, int connections, ImmutableArray<ClientDemand> clients) =>
        Task.FromResult(_ledger.Report(silo, connections, clients, time.GetUtcNow()));

    public Task<ClientLimitView> GetAsync() =>
        Task.FromResult(_ledger.View(this.GetPrimaryKeyString(), time.GetUtcNow()) with { GrainSilo = RuntimeIdentity });
}

using System.Collections.Immutable;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Options;

namespace IngressFleet.Grains.Backends;

/// <inheritdoc cref="IBackendGrain"/>
internal sealed partial class BackendGrain(
    [PersistentState("backend", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<BackendEndpoints>> state,
    TimeProvider time,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<HealthOptions> options,
    ILogger<BackendGrain> logger)
    : ConfigItemGrain<BackendEndpoints>(state), IBackendGrain
{
    private readonly DestinationHealthJudge _judge = new(options.Value);
    private string? _prober;
    private BackendHealth? _published;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _timer = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = false, KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task SetAsync(BackendEndpoints? value)
    {
        await base.SetAsync(value);
        if (value is null)
        {
            _timer?.Dispose();
            return;
        }

        await PublishAsync();
    }

    public async Task ReportAsync(string reporter, ImmutableArray<DestinationOutcome> outcomes)
    {
        var now = time.GetUtcNow();
        var destinations = Current?.Destinations.Select(d => d.ToString()).ToList() ?? [];
        foreach (var outcome in outcomes)
        {
            if (_judge.Report(reporter, outcome, now, destinations) is { } reason)
            {
                Log.Ejected(logger, this.GetPrimaryKeyString(), outcome.Destination, reason);
            }
        }

        await PublishAsync();
    }

    public async Task ReportProbeAsync(string reporter, string destination, bool healthy)
    {
        if (Current?.Health.Active is not { } check)
        {
            return;
        }

        switch (_judge.Probe(reporter, destination, healthy, check, time.GetUtcNow()))
        {
            case (true, var reason):
                Log.Ejected(logger, this.GetPrimaryKeyString(), destination, reason);
                break;
            case (false, var reason):
                Log.Returned(logger, this.GetPrimaryKeyString(), destination, reason);
                break;
        }

        await PublishAsync();
    }

    public async Task PublishHealthAgainAsync()
    {
        _published = null;
        await PublishAsync();
    }

    public Task<BackendHealth> GetHealthAsync() => Task.FromResult(Health());

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var destination in _judge.Reactivate(time.GetUtcNow()))
        {
            Log.Returned(logger, this.GetPrimaryKeyString(), destination, "its reactivation period ended");
        }

        await PublishAsync();
    }

    /// <summary>Hands the current view to the fleet's health grain when it changed.</summary>
    private async Task PublishAsync()
    {
        _prober = ChooseProber();
        var health = Health();
        if (health.Equals(_published))
        {
            return;
        }

        await GrainFactory.GetGrain<IHealthGrain>(ControlPlaneNames.FleetKey).SetAsync(health);
        _published = health;
    }

    /// <summary>
    /// The live silo that probes, when the backend has active checks: the current one while it is active,
    /// else the one ranking highest for this backend by rendezvous hashing, so the choice is stable.
    /// </summary>
    private string? ChooseProber()
    {
        if (Current?.Health.Active is null)
        {
            return null;
        }

        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).ToList();
        if (_prober is not null && active.Contains(_prober))
        {
            return _prober;
        }

        var key = this.GetPrimaryKeyString();
        return active.OrderByDescending(s => FleetHash.Of(key + "|" + s)).FirstOrDefault();
    }

    private BackendHealth Health()
    {
        var destinations = Current?.Destinations.Select(d => d.ToString()).ToHashSet(StringComparer.Ordinal) ?? [];
        return new BackendHealth(this.GetPrimaryKeyString(), [.. _judge.Ejected(destinations, silo.Name)], _prober);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.BackendGrainEjected, LogLevel.Warning, "Backend {Backend}: destination {Destination} ejected fleet-wide: {Reason}")]
        public static partial void Ejected(ILogger logger, string backend, string destination, string reason);

        [LoggerMessage(EventIds.BackendGrainReturned, LogLevel.Information, "Backend {Backend}: destination {Destination} takes requests again: {Reason}")]
        public static partial void Returned(ILogger logger, string backend, string destination, string reason);
    }
}

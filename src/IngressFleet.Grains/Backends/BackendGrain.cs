using System.Collections.Immutable;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Health;
using Microsoft.Extensions.Options;

namespace IngressFleet.Grains.Backends;

internal sealed partial class BackendGrain(
    [PersistentState("backend", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<BackendEndpoints>> state,
    TimeProvider time,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<HealthOptions> options,
    ILogger<BackendGrain> logger)
    : ConfigItemGrain<BackendEndpoints>(state), IBackendGrain
{
    private const int Buckets = 10;

    private readonly Dictionary<string, Outcomes> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ejection> _ejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _probeStreak = new(StringComparer.Ordinal);
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
        var bucket = Bucket(now);
        foreach (var outcome in outcomes)
        {
            if (!_outcomes.TryGetValue(outcome.Destination, out var window))
            {
                _outcomes[outcome.Destination] = window = new Outcomes();
            }

            window.Add(bucket, outcome.Successes, outcome.Failures);
            var (successes, failures) = window.Sum(bucket);
            if (_ejected.ContainsKey(outcome.Destination))
            {
                continue;
            }

            // A report of nothing but failures is a dead destination (connection refused, timeouts): no need to
            // wait for the window's older successes to be outweighed.
            if (outcome.Failures >= options.Value.PassiveHealthMinimumFailures && outcome.Successes == 0)
            {
                Eject(outcome.Destination, $"{outcome.Failures} requests in a row failed (reported by {reporter})", now);
                window.Clear();
            }
            else if (failures >= options.Value.PassiveHealthMinimumFailures && failures >= options.Value.PassiveHealthFailureRatio * (successes + failures))
            {
                Eject(outcome.Destination, $"{failures} of {successes + failures} requests failed in the last {options.Value.PassiveHealthWindow.TotalSeconds:0} s (reported by {reporter} and others)", now);
                window.Clear();
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

        var streak = _probeStreak.GetValueOrDefault(destination);
        streak = healthy ? Math.Max(streak, 0) + 1 : Math.Min(streak, 0) - 1;
        _probeStreak[destination] = streak;
        var now = time.GetUtcNow();
        if (healthy && streak >= check.HealthyThreshold && _ejected.Remove(destination))
        {
            Log.Returned(logger, this.GetPrimaryKeyString(), destination, $"{streak} probes in a row passed");
        }
        else if (!healthy && -streak >= check.UnhealthyThreshold && !_ejected.ContainsKey(destination))
        {
            Eject(destination, $"{-streak} probes of {check.Path} in a row failed (probed by {reporter})", now, untilProbePasses: true);
        }

        await PublishAsync();
    }

    public async Task EnsureProberAsync() => await PublishAsync();

    public Task<BackendHealth> GetHealthAsync() => Task.FromResult(Health());

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (destination, ejection) in _ejected.Where(e => e.Value.Until is { } until && until <= now).ToList())
        {
            _ejected.Remove(destination);
            Log.Returned(logger, this.GetPrimaryKeyString(), destination, "its reactivation period ended");
        }

        await PublishAsync();
    }

    private void Eject(string destination, string reason, DateTimeOffset now, bool untilProbePasses = false)
    {
        _ejected[destination] = new Ejection(reason, now, untilProbePasses ? null : now + options.Value.EjectionReactivationPeriod);
        Log.Ejected(logger, this.GetPrimaryKeyString(), destination, reason);
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
        var decidedBy = silo.Name;
        return new BackendHealth(
            this.GetPrimaryKeyString(),
            [.. _ejected.Where(e => destinations.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => new EjectedDestination(e.Key, e.Value.Reason, e.Value.Since, e.Value.Until, decidedBy))],
            _prober);
    }

    private long Bucket(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / Math.Max(1, (long)(options.Value.PassiveHealthWindow.TotalMilliseconds / Buckets));

    private sealed record Ejection(string Reason, DateTimeOffset Since, DateTimeOffset? Until);

    /// <summary>Outcomes in a ring of <see cref="Buckets"/> time buckets covering the window.</summary>
    private sealed class Outcomes
    {
        private readonly long[] _bucket = new long[Buckets];
        private readonly int[] _successes = new int[Buckets];
        private readonly int[] _failures = new int[Buckets];

        public void Add(long bucket, int successes, int failures)
        {
            var i = (int)(bucket % Buckets);
            if (_bucket[i] != bucket)
            {
                (_bucket[i], _successes[i], _failures[i]) = (bucket, 0, 0);
            }

            _successes[i] += successes;
            _failures[i] += failures;
        }

        public (int Successes, int Failures) Sum(long now)
        {
            var (s, f) = (0, 0);
            for (var i = 0; i < Buckets; i++)
            {
                if (now - _bucket[i] < Buckets)
                {
                    s += _successes[i];
                    f += _failures[i];
                }
            }

            return (s, f);
        }

        public void Clear() => Array.Clear(_bucket);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.BackendGrainEjected, LogLevel.Warning, "Backend {Backend}: destination {Destination} ejected fleet-wide: {Reason}")]
        public static partial void Ejected(ILogger logger, string backend, string destination, string reason);

        [LoggerMessage(EventIds.BackendGrainReturned, LogLevel.Information, "Backend {Backend}: destination {Destination} takes requests again: {Reason}")]
        public static partial void Returned(ILogger logger, string backend, string destination, string reason);
    }
}

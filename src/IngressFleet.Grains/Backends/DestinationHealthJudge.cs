using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Health;

namespace IngressFleet.Grains.Backends;

/// <summary>
/// The health verdicts of one backend's destinations, from every silo's passive reports and the prober's
/// results: which destinations are ejected, why, since and until when. Plain logic, so it is tested without a
/// silo; the backend grain feeds it, logs its verdicts and publishes them.
/// </summary>
internal sealed class DestinationHealthJudge(HealthOptions options)
{
    private const int Buckets = 10;

    private readonly Dictionary<string, Outcomes> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ejection> _ejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _probeStreak = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds one silo's outcomes for a destination; returns the reason when this ejects it. 5xx responses
    /// (counted only where the Ingress opts in) never eject the last healthy destination of
    /// <paramref name="destinations"/> on their own: clients can provoke them.
    /// </summary>
    public string? Report(string reporter, DestinationOutcome outcome, DateTimeOffset now, IReadOnlyCollection<string> destinations)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(destinations);
        var bucket = Bucket(now);
        if (!_outcomes.TryGetValue(outcome.Destination, out var window))
        {
            _outcomes[outcome.Destination] = window = new Outcomes();
        }

        window.Add(bucket, outcome.Successes, outcome.Failures, outcome.ServerErrors);
        var (successes, failures, serverErrors) = window.Sum(bucket);
        if (_ejected.ContainsKey(outcome.Destination))
        {
            return null;
        }

        var reason = Verdict(reporter, outcome.Successes, outcome.Failures, successes, failures);
        if (reason is not null
            && Verdict(reporter, outcome.Successes, outcome.Failures - outcome.ServerErrors, successes, failures - serverErrors) is null
            && !destinations.Any(d => d != outcome.Destination && !_ejected.ContainsKey(d)))
        {
            // Only 5xx make the case, and no other destination would be left: keep it.
            return null;
        }

        if (reason is not null)
        {
            Eject(outcome.Destination, reason, now, untilProbePasses: false);
            window.Clear();
        }

        return reason;
    }

    /// <summary>
    /// Why these counts eject, or null. A report of nothing but failures is a dead destination (connection
    /// refused, timeouts): no need to wait for the window's older successes to be outweighed.
    /// </summary>
    private string? Verdict(string reporter, int reportedSuccesses, int reportedFailures, int successes, int failures)
    {
        if (reportedFailures >= options.PassiveHealthMinimumFailures && reportedSuccesses == 0)
        {
            return $"{reportedFailures} requests in a row failed (reported by {reporter})";
        }

        return failures >= options.PassiveHealthMinimumFailures && failures >= options.PassiveHealthFailureRatio * (successes + failures)
            ? $"{failures} of {successes + failures} requests failed in the last {options.PassiveHealthWindow.TotalSeconds:0} s (reported by {reporter} and others)"
            : null;
    }

    /// <summary>Adds one probe result; returns what changed (ejected or returned) and why, or null.</summary>
    public (bool Ejected, string Reason)? Probe(string reporter, string destination, bool healthy, HealthCheck check, DateTimeOffset now)
    {
        var streak = _probeStreak.GetValueOrDefault(destination);
        streak = healthy ? Math.Max(streak, 0) + 1 : Math.Min(streak, 0) - 1;
        _probeStreak[destination] = streak;
        if (healthy && streak >= check.HealthyThreshold && _ejected.Remove(destination))
        {
            return (false, $"{streak} probes in a row passed");
        }

        if (!healthy && -streak >= check.UnhealthyThreshold && !_ejected.ContainsKey(destination))
        {
            var reason = $"{-streak} probes of {check.Path} in a row failed (probed by {reporter})";
            Eject(destination, reason, now, untilProbePasses: true);
            return (true, reason);
        }

        return null;
    }

    /// <summary>Returns the destinations whose reactivation period has ended, and takes them back.</summary>
    public IReadOnlyList<string> Reactivate(DateTimeOffset now)
    {
        var returned = _ejected.Where(e => e.Value.Until is { } until && until <= now).Select(e => e.Key).ToList();
        foreach (var destination in returned)
        {
            _ejected.Remove(destination);
        }

        return returned;
    }

    /// <summary>The ejected destinations among <paramref name="destinations"/>, in order, as <paramref name="decidedBy"/> decided them.</summary>
    public IEnumerable<EjectedDestination> Ejected(IReadOnlySet<string> destinations, string decidedBy) =>
        _ejected.Where(e => destinations.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new EjectedDestination(e.Key, e.Value.Reason, e.Value.Since, e.Value.Until, decidedBy));

    private void Eject(string destination, string reason, DateTimeOffset now, bool untilProbePasses) =>
        _ejected[destination] = new Ejection(reason, now, untilProbePasses ? null : now + options.EjectionReactivationPeriod);

    private long Bucket(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / Math.Max(1, (long)(options.PassiveHealthWindow.TotalMilliseconds / Buckets));

    private sealed record Ejection(string Reason, DateTimeOffset Since, DateTimeOffset? Until);

    /// <summary>Outcomes in a ring of <see cref="Buckets"/> time buckets covering the window.</summary>
    private sealed class Outcomes
    {
        private readonly long[] _bucket = new long[Buckets];
        private readonly int[] _successes = new int[Buckets];
        private readonly int[] _failures = new int[Buckets];
        private readonly int[] _serverErrors = new int[Buckets];

        public void Add(long bucket, int successes, int failures, int serverErrors)
        {
            var i = (int)(bucket % Buckets);
            if (_bucket[i] != bucket)
            {
                (_bucket[i], _successes[i], _failures[i], _serverErrors[i]) = (bucket, 0, 0, 0);
            }

            _successes[i] += successes;
            _failures[i] += failures;
            _serverErrors[i] += serverErrors;
        }

        public (int Successes, int Failures, int ServerErrors) Sum(long now)
        {
            var (s, f, e) = (0, 0, 0);
            for (var i = 0; i < Buckets; i++)
            {
                if (now - _bucket[i] < Buckets)
                {
                    s += _successes[i];
                    f += _failures[i];
                    e += _serverErrors[i];
                }
            }

            return (s, f, e);
        }

        public void Clear() => Array.Clear(_bucket);
    }
}

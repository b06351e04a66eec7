using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IngressFleet.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace IngressFleet.Sources.Publishing;

/// <summary>
/// Whether the running source can read its input (the manifest folder, each API collection it watches).
/// The config in force keeps serving while it cannot; this makes the condition visible, in readiness detail
/// once it has lasted <see cref="SourceOptions.SourceUnreadableAfter"/>, and as the
/// <c>ingressfleet.source.unreadable</c> gauge (seconds, 0 while readable).
/// </summary>
public sealed class SourceInput
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, string Error)> _failing = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _bound;

    public SourceInput(TimeProvider time, IOptions<SourceOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        _bound = options.Value.SourceUnreadableAfter;
        meters.Create(FleetTelemetry.Name).CreateObservableGauge(
            "ingressfleet.source.unreadable",
            () => Unreadable()?.For.TotalSeconds ?? 0,
            "s",
            "How long the source on this silo has not been able to read its input; 0 while it can.");
    }

    /// <summary>Reading <paramref name="input"/> worked.</summary>
    public void Succeeded(string input) => _failing.TryRemove(input, out _);

    /// <summary>Reading <paramref name="input"/> failed; the time it started failing is kept.</summary>
    public void Failed(string input, string error)
    {
        var now = _time.GetUtcNow();
        _failing.AddOrUpdate(input, (now, error), (_, was) => (was.Since, error));
    }

    /// <summary>Forgets every input (the source stopped on this silo).</summary>
    public void Clear() => _failing.Clear();

    /// <summary>The longest-failing input, for how long, and its last error; null while every input reads.</summary>
    public (string Input, TimeSpan For, string Error)? Unreadable()
    {
        var now = _time.GetUtcNow();
        return _failing.IsEmpty
            ? null
            : _failing.OrderBy(f => f.Value.Since).Select(f => (f.Key, now - f.Value.Since, f.Value.Error)).First();
    }

    /// <summary>What readiness says about the input: null while it reads, or has failed for less than the bound.</summary>
    public string? Detail() =>
        Unreadable() is var (input, duration, error) && duration >= _bound
            ? $"the source has not been able to read {input} for {duration.TotalSeconds:0} s (the config in force keeps serving): {error}"
            : null;
}

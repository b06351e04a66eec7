using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Distribution.Config;

/// <summary>This silo's receiver of pushed config deltas: hands each to the follower's queue, as the stream does.</summary>
internal sealed class ConfigObserver : IConfigObserver
{
    private volatile Func<ConfigDelta, Task>? _onDelta;

    /// <summary>Where deltas go; null drops them (nothing subscribed).</summary>
    public Func<ConfigDelta, Task>? OnDelta
    {
        get => _onDelta;
        set => _onDelta = value;
    }

    public Task OnDeltaAsync(ConfigDelta delta) => _onDelta?.Invoke(delta) ?? Task.CompletedTask;
}

namespace IngressFleet.Distribution.Following;

/// <summary>This silo's receiver of pushed deltas: hands each to the follower's queue, as the stream does.</summary>
internal abstract class DeltaObserver<TDelta>
{
    private volatile Func<TDelta, Task>? _onDelta;

    /// <summary>Where deltas go; null drops them (nothing subscribed).</summary>
    public Func<TDelta, Task>? OnDelta
    {
        get => _onDelta;
        set => _onDelta = value;
    }

    public Task OnDeltaAsync(TDelta delta) => _onDelta?.Invoke(delta) ?? Task.CompletedTask;
}

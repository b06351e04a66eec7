namespace IngressFleet.Grains.Observers;

/// <summary>
/// The silos' observers a grain pushes its deltas to, and when each registration lapses. Held in memory only:
/// silos renew with every version check, so a grain that moved to another silo learns of every silo within one
/// check, and a silo that died stops being pushed to once its registration lapses.
/// </summary>
internal sealed class ObserverRegistry<TObserver>(TimeProvider time)
    where TObserver : class, IGrainObserver
{
    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(10);

    private readonly Dictionary<TObserver, DateTimeOffset> _observers = [];

    /// <summary>Registers <paramref name="observer"/>, or renews it, for three times <paramref name="renewal"/> (at least 10 seconds).</summary>
    public void Watch(TObserver observer, TimeSpan renewal)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers[observer] = time.GetUtcNow() + TimeSpan.FromTicks(Math.Max(renewal.Ticks * 3, MinimumLease.Ticks));
    }

    public void Unwatch(TObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Remove(observer);
    }

    /// <summary>Calls <paramref name="push"/> for every registration in force (one-way calls: nothing waits on a silo); one that throws is dropped.</summary>
    /// <returns>The failures, for the caller's log.</returns>
    public List<Exception> Push(Action<TObserver> push)
    {
        var failures = new List<Exception>();
        var now = time.GetUtcNow();
        foreach (var (observer, lapses) in _observers.ToList())
        {
            if (lapses < now)
            {
                _observers.Remove(observer);
                continue;
            }

            try
            {
                push(observer);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The stream and the version check still reach that silo.
                _observers.Remove(observer);
                failures.Add(e);
            }
        }

        return failures;
    }
}

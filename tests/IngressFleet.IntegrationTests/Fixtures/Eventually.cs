using System.Diagnostics;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// Waits for a condition that a system reaches asynchronously, with a bound. An observation that throws
/// counts as "not yet" (a process still starting, a list not yet holding one item); when time runs out the
/// failure names what was awaited and the last exception seen.
/// </summary>
internal static class Eventually
{
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        await ValueAsync(async () => await condition() ? true : (bool?)null, timeout, what);
        return clock.Elapsed;
    }

    /// <summary>Waits until <paramref name="observe"/> finds something (not null, not default), and returns it.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> observe, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await observe() is { } value && !EqualityComparer<T>.Default.Equals(value, default))
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                last = e;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{what}: not reached within {timeout.TotalSeconds:0.#} s" + (last is null ? string.Empty : $"; last error: {last.GetType().Name}: {last.Message}"));
            }

            await Task.Delay(20);
        }
    }
}

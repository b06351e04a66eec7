using System.Diagnostics;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Waits for a condition that a system reaches asynchronously, with a bound; fails with the last observation.</summary>
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
        while (true)
        {
            if (await observe() is { } value && !EqualityComparer<T>.Default.Equals(value, default))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{what}: not reached within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(20);
        }
    }
}

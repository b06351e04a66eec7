using System.Diagnostics;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Waits for a condition that a system reaches asynchronously, with a bound; fails with the last observation.</summary>
internal static class Eventually
{
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"{what}: not reached within {timeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(20);
        }
    }
}

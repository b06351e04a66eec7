namespace IngressFleet.DataPlane.Telemetry;

/// <summary>
/// Requests started and ended on this silo, for the fleet view's requests/s and in-flight figures. Striped
/// by thread so that two cores counting at once do not fight over one cache line.
/// </summary>
public sealed class RequestCounters
{
    private const int Stripes = 16;

    // One counter pair per 64-byte line (8 longs): [0] started, [1] ended.
    private readonly long[] _counts = new long[Stripes * 8];

    public long Ended => Sum(1);

    public long InFlight => Math.Max(0, Sum(0) - Sum(1));

    public void Started() => Interlocked.Increment(ref _counts[Stripe()]);

    public void Completed() => Interlocked.Increment(ref _counts[Stripe() + 1]);

    private static int Stripe() => (Environment.CurrentManagedThreadId & (Stripes - 1)) * 8;

    private long Sum(int offset)
    {
        long sum = 0;
        for (var i = offset; i < _counts.Length; i += 8)
        {
            sum += Volatile.Read(ref _counts[i]);
        }

        return sum;
    }
}

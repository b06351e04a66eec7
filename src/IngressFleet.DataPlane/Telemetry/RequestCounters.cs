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

    // Ended first: a request that ends between the two reads is then counted neither way, never as ended only.
    public long InFlight
    {
        get
        {
            var ended = Sum(1);
            return Math.Max(0, Sum(0) - ended);
        }
    }

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

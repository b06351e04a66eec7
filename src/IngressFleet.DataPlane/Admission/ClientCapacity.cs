namespace IngressFleet.DataPlane.Admission;

/// <summary>
/// The clients one silo tracks under all per-client limits together (<see cref="Max"/>, a few hundred MiB at
/// most), so a flood of addresses against many Ingresses cannot grow memory without bound. When it is full, a
/// limiter evicts its own least recently used clients to make room; a new client it cannot make room for is refused.
/// </summary>
public sealed class ClientCapacity(int max = ClientCapacity.Max)
{
    public const int Max = 1_000_000;

    private int _used;
    private long _refused;

    public int Used => Volatile.Read(ref _used);

    /// <summary>Times a limiter found the silo's capacity full.</summary>
    public long Full => Interlocked.Read(ref _refused);

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _used) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _used);
        return false;
    }

    public void Return() => Interlocked.Decrement(ref _used);

    internal void Refused() => Interlocked.Increment(ref _refused);
}

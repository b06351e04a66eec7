namespace IngressFleet.Core.Model;

/// <summary>
/// A 64-bit hash that is the same in every process and on every silo (unlike <see cref="HashCode"/>, which is
/// seeded per process): FNV-1a over the UTF-16 code units, then a splitmix64 finaliser for spread. What one
/// silo computes for a key or destination, every silo computes.
/// </summary>
public static class FleetHash
{
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return Mix(hash);
    }

    public static ulong Mix(ulong value)
    {
        value ^= value >> 30;
        value *= 0xbf58476d1ce4e5b9UL;
        value ^= value >> 27;
        value *= 0x94d049bb133111ebUL;
        return value ^ (value >> 31);
    }
}

using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.LoadBalancing;

/// <summary>
/// Consistent hashing: each destination owns <see cref="PointsPerDestination"/> points on a ring placed by
/// hashing its address, and a key goes to the owner of the first point at or after the key's hash. Adding or
/// removing a destination moves only the keys of the points it gains or loses, about 1/n of them.
/// </summary>
public sealed class HashRing
{
    public const int PointsPerDestination = 160;

    private readonly ulong[] _points;
    private readonly int[] _owners;

    /// <param name="addresses">The destinations' addresses (<c>ip:port</c>), by index.</param>
    /// <param name="included">The indexes that take keys.</param>
    public HashRing(IReadOnlyList<string> addresses, IEnumerable<int> included)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var points = new List<(ulong Point, int Owner)>();
        foreach (var index in included)
        {
            var seed = FleetHash.Of(addresses[index]);
            for (var i = 0; i < PointsPerDestination; i++)
            {
                points.Add((FleetHash.Mix(seed + (ulong)i), index));
            }
        }

        points.Sort((a, b) => a.Point.CompareTo(b.Point));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Owner)];
    }

    /// <summary>The index of the destination that owns <paramref name="keyHash"/>, or -1 on an empty ring.</summary>
    public int Owner(ulong keyHash)
    {
        if (_points.Length == 0)
        {
            return -1;
        }

        var at = Array.BinarySearch(_points, keyHash);
        if (at < 0)
        {
            at = ~at;
        }

        return _owners[at == _points.Length ? 0 : at];
    }
}

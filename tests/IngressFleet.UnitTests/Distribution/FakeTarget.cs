using IngressFleet.Distribution.Following;

namespace IngressFleet.Tests.Distribution;

/// <summary>A target for follower tests that records which deltas it applied.</summary>
internal sealed class FakeTarget : IVersionedTarget<FakeDelta, long>
{
    public long Version { get; private set; }

    public bool FollowsOlderVersions { get; init; }

    public List<long> AppliedDeltas { get; } = [];

    public long VersionOf(FakeDelta delta) => delta.Version;

    public long VersionOf(long snapshot) => snapshot;

    public bool TryApply(FakeDelta delta)
    {
        if (delta.Previous != Version)
        {
            return false;
        }

        Version = delta.Version;
        AppliedDeltas.Add(delta.Version);
        return true;
    }

    public void Apply(long snapshot) => Version = snapshot;
}

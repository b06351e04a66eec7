using System.Collections.Immutable;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.LoadBalancing;

namespace IngressFleet.Tests.DataPlane.LoadBalancing;

public sealed class BackendPoolTests
{
    private static BackendPool Pool(int count, params string[] ejected) =>
        new(new BackendEndpoints(new BackendRef("default", "web", 80, null), [.. Enumerable.Range(1, count).Select(i => new Destination($"10.0.0.{i}", 8080))], null), ejected.ToHashSet());

    [Fact]
    public void RoundRobin_VisitsEveryDestinationInTurn()
    {
        var pool = Pool(3);
        var picks = Enumerable.Range(0, 30).Select(_ => pool.Pick(LoadBalancingPolicy.RoundRobin)).ToList();
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(10, picks.Count(p => p == i)));
    }

    [Fact]
    public void LeastRequests_AndPowerOfTwo_AvoidTheBusyDestination()
    {
        var pool = Pool(2);
        for (var i = 0; i < 5; i++)
        {
            pool.Started(0);
        }

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(1, pool.Pick(LoadBalancingPolicy.LeastRequests)));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(1, pool.Pick(LoadBalancingPolicy.PowerOfTwoChoices)));
        for (var i = 0; i < 5; i++)
        {
            pool.Ended(0);
        }

        Assert.Equal(0, pool.InFlight(0));
    }

    [Fact]
    public void EjectedDestinations_GetNothing_UnlessAllAreEjected()
    {
        var pool = Pool(3, "10.0.0.2:8080");
        foreach (var policy in Enum.GetValues<LoadBalancingPolicy>())
        {
            var picks = Enumerable.Range(0, 200).Select(i => pool.Pick(policy, FleetHash.Of($"key-{i}"))).ToHashSet();
            Assert.Equal([0, 2], picks.Order());
        }

        var panic = Pool(2, "10.0.0.1:8080", "10.0.0.2:8080");
        Assert.True(panic.Panic);
        Assert.Equal([0, 1], Enumerable.Range(0, 100).Select(_ => panic.Pick(LoadBalancingPolicy.Random)).ToHashSet().Order());
    }

    [Fact]
    public void ConsistentHash_KeepsKeysInPlace_AndMovesFewWhenADestinationLeaves()
    {
        var keys = Enumerable.Range(0, 5000).Select(i => FleetHash.Of($"user-{i}")).ToList();
        var five = Pool(5);
        var before = keys.Select(k => five.Address(five.Pick(LoadBalancingPolicy.ConsistentHash, k))).ToList();
        Assert.Equal(before, keys.Select(k => Pool(5).Address(Pool(5).Pick(LoadBalancingPolicy.ConsistentHash, k))).ToList());

        var four = Pool(5, "10.0.0.3:8080");
        var after = keys.Select(k => four.Address(four.Pick(LoadBalancingPolicy.ConsistentHash, k))).ToList();
        var moved = Enumerable.Range(0, keys.Count).Count(i => before[i] != after[i]);
        var owned = before.Count(a => a == "10.0.0.3:8080");

        // Only the keys of the destination that left move; every destination owned a fair part.
        Assert.Equal(owned, moved);
        Assert.InRange(owned, keys.Count / 5 * 0.7, keys.Count / 5 * 1.3);
    }

    [Fact]
    public void AffinityIds_AreTheSameOnEverySilo_AndPointAtHealthyDestinationsOnly()
    {
        var a = Pool(3);
        var b = Pool(3);
        Assert.Equal(a.AffinityId(1), b.AffinityId(1));
        Assert.Equal(1, b.FindAffinity(a.AffinityId(1)));
        Assert.Equal(-1, Pool(3, "10.0.0.2:8080").FindAffinity(a.AffinityId(1)));
        Assert.Equal(-1, a.FindAffinity("not-an-id"));
    }

    [Fact]
    public void EmptyPool_PicksNothing() => Assert.Equal(-1, new BackendPool(new BackendEndpoints(new BackendRef("d", "s", 80, null), ImmutableArray<Destination>.Empty, null)).Pick(LoadBalancingPolicy.PowerOfTwoChoices));
}

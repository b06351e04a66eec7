using System.Collections.Immutable;
using IngressFleet.Core.Model;

namespace IngressFleet.Tests.Core.Model;

public sealed class RoutingConfigTests
{
    private static readonly BackendRef Web = new("default", "web", 80, null);

    [Fact]
    public void DiffTo_ThenApply_GivesTheDesiredConfig()
    {
        var before = RoutingConfig.Empty.Apply(new ConfigChange([Routes("a", "/a"), Routes("b", "/b")], [], [Endpoints("10.0.0.1")], [], [], [], [], []), 3);
        var desired = RoutingConfig.Empty.Apply(new ConfigChange([Routes("a", "/a2"), Routes("c", "/c")], [], [Endpoints("10.0.0.2")], [], [], [], [], []), 0);

        var change = before.DiffTo(desired);
        var after = before.Apply(change, 4);

        Assert.Equal(["default/a", "default/c"], change.Ingresses.Select(i => i.Key));
        Assert.Equal(["default/b"], change.RemovedIngresses.AsEnumerable());
        Assert.True(after.DiffTo(desired).IsEmpty);
        Assert.Equal(4, after.Version);
    }

    [Fact]
    public void DiffTo_EqualContentInNewInstances_IsEmpty()
    {
        var a = RoutingConfig.Empty.Apply(new ConfigChange([Routes("a", "/a")], [], [Endpoints("10.0.0.1")], [], [], [], [], []), 1);
        var b = RoutingConfig.Empty.Apply(new ConfigChange([Routes("a", "/a")], [], [Endpoints("10.0.0.1")], [], [], [], [], []), 9);

        Assert.True(a.DiffTo(b).IsEmpty);
    }

    [Fact]
    public void IngressRoutes_Equality_ComparesRulesByValue()
    {
        var a = Routes("a", "/a");

        Assert.Equal(a, Routes("a", "/a"));
        Assert.Equal(a, a with { });
        Assert.NotEqual(a, Routes("a", "/b"));
        Assert.NotEqual(a, a with { CreatedAt = a.CreatedAt.AddSeconds(1) });
    }

    [Fact]
    public void TryApply_DeltaFromTheServedVersion_Applies()
    {
        var config = RoutingConfig.Empty.Apply(ConfigChange.Empty, 5);

        var next = config.TryApply(new ConfigDelta(5, 6, new ConfigChange([Routes("a", "/a")], [], [], [], [], [], [], [])));

        Assert.Equal(6, next?.Version);
        Assert.Single(next!.Ingresses);
    }

    [Theory]
    [InlineData(4, 6)]
    [InlineData(6, 7)]
    public void TryApply_DeltaFromAnotherVersion_IsRefused(long from, long to)
    {
        var config = RoutingConfig.Empty.Apply(ConfigChange.Empty, 5);

        Assert.Null(config.TryApply(new ConfigDelta(from, to, ConfigChange.Empty)));
    }

    [Fact]
    public void TryApply_DeltaWithoutPayload_IsRefused()
    {
        var config = RoutingConfig.Empty.Apply(ConfigChange.Empty, 5);

        Assert.Null(config.TryApply(new ConfigDelta(5, 6, ConfigChange.Empty) { SnapshotRequired = true }));
    }

    private static IngressRoutes Routes(string name, string path) =>
        new("default", name, DateTimeOffset.UnixEpoch, [new RouteRule("a.com", path, PathMatch.Prefix, Web)], null);

    private static BackendEndpoints Endpoints(string address) =>
        new(Web, ImmutableArray.Create(new Destination(address, 8080)), null);
}

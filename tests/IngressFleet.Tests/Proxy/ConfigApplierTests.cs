using IngressFleet.Model;
using IngressFleet.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace IngressFleet.Tests.Proxy;

public sealed class ConfigApplierTests
{
    private static readonly BackendRef Web = new("default", "web", 80, null);

    private readonly DataPlane _dataPlane = new(new FakeTimeProvider());
    private RoutingConfig _controlPlane = RoutingConfig.Empty;
    private int _snapshotsFetched;

    [Fact]
    public async Task ApplyAsync_DeltasInOrder_AreAppliedWithoutSnapshot()
    {
        using var applier = NewApplier();
        await applier.SyncAsync(CancellationToken.None);

        Assert.Equal(DeltaOutcome.Applied, await applier.ApplyAsync(Commit("a"), CancellationToken.None));
        Assert.Equal(DeltaOutcome.Applied, await applier.ApplyAsync(Commit("b"), CancellationToken.None));

        Assert.Equal(2, _dataPlane.Current.Version);
        Assert.Equal(1, _snapshotsFetched);
        Assert.True(applier.IsCurrent);
        Assert.NotNull(_dataPlane.Current.Routes.Match("b.com", "/"));
    }

    [Fact]
    public async Task ApplyAsync_AfterALostDelta_FetchesTheSnapshot()
    {
        using var applier = NewApplier();
        await applier.SyncAsync(CancellationToken.None);
        Commit("lost");

        var outcome = await applier.ApplyAsync(Commit("next"), CancellationToken.None);

        Assert.Equal(DeltaOutcome.SnapshotApplied, outcome);
        Assert.Equal(2, _dataPlane.Current.Version);
        Assert.NotNull(_dataPlane.Current.Routes.Match("lost.com", "/"));
    }

    [Fact]
    public async Task ApplyAsync_DeltaAlreadyCoveredBySnapshot_IsIgnored()
    {
        using var applier = NewApplier();
        var first = Commit("a");
        await applier.SyncAsync(CancellationToken.None);

        Assert.Equal(DeltaOutcome.Ignored, await applier.ApplyAsync(first, CancellationToken.None));
        Assert.Equal(1, _dataPlane.Current.Version);
    }

    [Fact]
    public async Task IsCurrent_IsFalseWhenANewerVersionIsKnown()
    {
        using var applier = NewApplier();
        await applier.SyncAsync(CancellationToken.None);
        Assert.True(applier.IsCurrent);

        applier.ObserveControlPlaneVersion(Commit("a").Version);

        Assert.False(applier.IsCurrent);
        await applier.SyncAsync(CancellationToken.None);
        Assert.True(applier.IsCurrent);
    }

    [Fact]
    public async Task ApplyAsync_EndpointOnlyChange_KeepsTheRouteTable()
    {
        using var applier = NewApplier();
        await applier.SyncAsync(CancellationToken.None);
        await applier.ApplyAsync(Commit("a"), CancellationToken.None);
        var table = _dataPlane.Current.Routes;

        var endpoints = new BackendEndpoints(Web, [new Destination("10.9.9.9", 8080)], null);
        await applier.ApplyAsync(CommitChange(new ConfigChange([], [], [endpoints], [], [], [], [], [])), CancellationToken.None);

        Assert.Same(table, _dataPlane.Current.Routes);
        var pool = _dataPlane.Current.Backends[Web.Key];
        Assert.Equal("http://10.9.9.9:8080", pool.Prefix(pool.Pick(LoadBalancingPolicy.RoundRobin), tls: false));
    }

    private ConfigApplier NewApplier() => new(_dataPlane, _ =>
    {
        _snapshotsFetched++;
        return Task.FromResult(_controlPlane);
    });

    private ConfigDelta Commit(string name) => CommitChange(new ConfigChange(
        [new IngressRoutes("default", name, DateTimeOffset.UnixEpoch, [new RouteRule($"{name}.com", "/", PathMatch.Prefix, Web)], null)],
        [], [], [], [], [], [], []));

    private ConfigDelta CommitChange(ConfigChange change)
    {
        var previous = _controlPlane.Version;
        _controlPlane = _controlPlane.Apply(change, previous + 1);
        return new ConfigDelta(previous, _controlPlane.Version, change);
    }
}

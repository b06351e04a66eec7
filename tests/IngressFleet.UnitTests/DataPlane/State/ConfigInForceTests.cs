using IngressFleet.Core.Model;
using IngressFleet.DataPlane.State;
using Microsoft.Extensions.Time.Testing;

namespace IngressFleet.Tests.DataPlane.State;

public sealed class ConfigInForceTests
{
    private static readonly BackendRef Web = new("default", "web", 80, null);

    [Fact]
    public void Apply_EndpointOnlyChange_KeepsTheRouteTable_AndReplacesThePool()
    {
        var inForce = new ConfigInForce(new FakeTimeProvider());
        var routes = Change([new IngressRoutes("default", "a", DateTimeOffset.UnixEpoch, [new RouteRule("a.com", "/", PathMatch.Prefix, Web)], null)], []);
        var v1 = RoutingConfig.Empty.Apply(routes, 1);
        inForce.Apply(v1, routes);
        var table = inForce.Current.Routes;
        var builds = inForce.RouteTablesBuiltForChanges;

        var endpoints = Change([], [new BackendEndpoints(Web, [new Destination("10.9.9.9", 8080)], null)]);
        inForce.Apply(v1.Apply(endpoints, 2), endpoints);

        Assert.Same(table, inForce.Current.Routes);
        Assert.Equal(builds, inForce.RouteTablesBuiltForChanges);
        var pool = inForce.Current.Backends[Web.Key];
        Assert.Equal("http://10.9.9.9:8080", pool.Prefix(pool.Pick(LoadBalancingPolicy.RoundRobin), tls: false));
    }

    [Fact]
    public void Apply_RouteChange_BuildsANewTable()
    {
        var inForce = new ConfigInForce(new FakeTimeProvider());
        var first = Change([new IngressRoutes("default", "a", DateTimeOffset.UnixEpoch, [new RouteRule("a.com", "/", PathMatch.Prefix, Web)], null)], []);
        var v1 = RoutingConfig.Empty.Apply(first, 1);
        inForce.Apply(v1, first);
        var table = inForce.Current.Routes;

        var second = Change([new IngressRoutes("default", "b", DateTimeOffset.UnixEpoch, [new RouteRule("b.com", "/", PathMatch.Prefix, Web)], null)], []);
        inForce.Apply(v1.Apply(second, 2), second);

        Assert.NotSame(table, inForce.Current.Routes);
        Assert.NotNull(inForce.Current.Routes.Match("b.com", "/"));
        Assert.Equal(2, inForce.RouteTablesBuiltForChanges);
    }

    private static ConfigChange Change(IngressRoutes[] ingresses, BackendEndpoints[] backends) =>
        new([.. ingresses], [], [.. backends], [], [], [], [], []);
}

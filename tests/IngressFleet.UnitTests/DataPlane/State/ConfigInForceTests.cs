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

    [Fact]
    public void Apply_IngressChangeWithoutTls_KeepsTheCertificateTable_AndAChangeToTlsRebuildsIt()
    {
        var inForce = new ConfigInForce(new FakeTimeProvider());
        var plain = Change([new IngressRoutes("default", "a", DateTimeOffset.UnixEpoch, [new RouteRule("a.com", "/", PathMatch.Prefix, Web)], null)], []);
        var v1 = RoutingConfig.Empty.Apply(plain, 1);
        inForce.Apply(v1, plain);
        var certificates = inForce.Current.Certificates;

        var other = Change([new IngressRoutes("default", "b", DateTimeOffset.UnixEpoch, [new RouteRule("b.com", "/", PathMatch.Prefix, Web)], null)], []);
        var v2 = v1.Apply(other, 2);
        inForce.Apply(v2, other);
        Assert.Same(certificates, inForce.Current.Certificates);

        var secured = Change([new IngressRoutes("default", "b", DateTimeOffset.UnixEpoch, [new RouteRule("b.com", "/", PathMatch.Prefix, Web)], null) { Tls = [new TlsBinding(["b.com"], "site")] }], []);
        var v3 = v2.Apply(secured, 3);
        inForce.Apply(v3, secured);
        Assert.NotSame(certificates, inForce.Current.Certificates);

        // Taking the binding away is a change to TLS too: the Ingress had a part in the handshake before it.
        var withTls = inForce.Current.Certificates;
        inForce.Apply(v3.Apply(other, 4), other);
        Assert.NotSame(withTls, inForce.Current.Certificates);
    }

    [Fact]
    public void Apply_ChangeWithoutBackends_KeepsEveryPool()
    {
        var inForce = new ConfigInForce(new FakeTimeProvider());
        var first = Change(
            [new IngressRoutes("default", "a", DateTimeOffset.UnixEpoch, [new RouteRule("a.com", "/", PathMatch.Prefix, Web)], null)],
            [new BackendEndpoints(Web, [new Destination("10.9.9.9", 8080)], null)]);
        var v1 = RoutingConfig.Empty.Apply(first, 1);
        inForce.Apply(v1, first);
        var pools = inForce.Current.Backends;

        var second = Change([new IngressRoutes("default", "b", DateTimeOffset.UnixEpoch, [new RouteRule("b.com", "/", PathMatch.Prefix, Web)], null)], []);
        inForce.Apply(v1.Apply(second, 2), second);

        Assert.Same(pools, inForce.Current.Backends);
    }

    private static ConfigChange Change(IngressRoutes[] ingresses, BackendEndpoints[] backends) =>
        new([.. ingresses], [], [.. backends], [], [], [], [], []);
}

using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

public sealed class BackendResolverTests
{
    [Fact]
    public void Resolve_ByPortNumber_UsesTheServicePortNameToPickTheSlicePort()
    {
        var resolver = Resolver(
            Objects.Service("web", "shop", Objects.Port(80, "http", 8080), Objects.Port(9000, "metrics")),
            Objects.Slice("web", "shop", "http", 8080, ("10.0.0.1", true), ("10.0.0.2", null)),
            Objects.Slice("web", "shop", "metrics", 9100, ("10.0.0.1", true)));

        var resolved = resolver.Resolve(new BackendRef("shop", "web", 80, null));

        Assert.Null(resolved.Problem);
        Assert.Equal([new Destination("10.0.0.1", 8080), new Destination("10.0.0.2", 8080)], resolved.Destinations.AsEnumerable());
    }

    [Fact]
    public void Resolve_ByPortName_FindsTheServicePort()
    {
        var resolver = Resolver(
            Objects.Service("api", "default", Objects.Port(8000, "grpc")),
            Objects.Slice("api", "default", "grpc", 50051, ("10.1.0.1", true)));

        var resolved = resolver.Resolve(new BackendRef("default", "api", 0, "grpc"));

        Assert.Equal([new Destination("10.1.0.1", 50051)], resolved.Destinations.AsEnumerable());
    }

    [Fact]
    public void Resolve_SkipsEndpointsThatAreNotReady_AndMergesSlices()
    {
        var resolver = Resolver(
            Objects.Service("web", "default", Objects.Port(80)),
            Objects.Slice("web", "default", null, 80, ("10.0.0.1", false), ("10.0.0.2", true)),
            Objects.Slice("web", "default", null, 81, ("10.0.0.3", true)));

        var resolved = resolver.Resolve(new BackendRef("default", "web", 80, null));

        Assert.Equal([new Destination("10.0.0.2", 80), new Destination("10.0.0.3", 81)], resolved.Destinations.AsEnumerable());
    }

    [Fact]
    public void Resolve_WithoutSlices_ReadsV1Endpoints()
    {
        var endpoints = new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "legacy", NamespaceProperty = "default" },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = [new V1EndpointAddress { Ip = "10.2.0.1" }],
                    NotReadyAddresses = [new V1EndpointAddress { Ip = "10.2.0.9" }],
                    Ports = [new Corev1EndpointPort { Name = "web", Port = 8080 }],
                },
            ],
        };
        var resolver = new BackendResolver(ClusterObjects.From([Objects.Service("legacy", "default", Objects.Port(80, "web")), endpoints]));

        var resolved = resolver.Resolve(new BackendRef("default", "legacy", 80, null));

        Assert.Equal([new Destination("10.2.0.1", 8080)], resolved.Destinations.AsEnumerable());
    }

    [Fact]
    public void Resolve_MissingService_SaysSo()
    {
        var resolved = Resolver().Resolve(new BackendRef("default", "ghost", 80, null));

        Assert.Empty(resolved.Destinations);
        Assert.Equal("service default/ghost not found", resolved.Problem);
    }

    [Fact]
    public void Resolve_MissingPort_SaysSo()
    {
        var resolved = Resolver(Objects.Service("web", "default", Objects.Port(80))).Resolve(new BackendRef("default", "web", 0, "admin"));

        Assert.Empty(resolved.Destinations);
        Assert.Equal("service default/web has no port \"admin\"", resolved.Problem);
    }

    [Fact]
    public void Resolve_SliceOfAnotherNamespace_IsNotUsed()
    {
        var resolver = Resolver(
            Objects.Service("web", "a", Objects.Port(80)),
            Objects.Slice("web", "b", null, 80, ("10.0.0.1", true)));

        var resolved = resolver.Resolve(new BackendRef("a", "web", 80, null));

        Assert.Empty(resolved.Destinations);
        Assert.Null(resolved.Problem);
    }

    private static BackendResolver Resolver(params object[] objects) => new(ClusterObjects.From(objects));
}

using System.Net;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.AddressPolicy;

/// <summary>Backend addresses refused: link-local, unspecified, the silo's own ports, loopback with the Kubernetes source, operator lists.</summary>
public sealed class BackendAddressPolicyTests
{
    private static readonly int[] OwnPorts = [8080, 8443, 8081, 11111, 30000];
    private static readonly IPAddress PodAddress = IPAddress.Parse("10.1.2.3");

    private static BackendAddressPolicy Policy(bool kubernetes, BackendAddressOptions? options = null) =>
        new(options ?? new BackendAddressOptions(), kubernetes, OwnPorts, [IPAddress.Loopback, PodAddress]);

    [Theory]
    [InlineData("169.254.169.254", 80)]
    [InlineData("::ffff:169.254.169.254", 80)]
    [InlineData("fe80::1", 80)]
    [InlineData("0.0.0.0", 80)]
    [InlineData("::", 80)]
    [InlineData("127.0.0.1", 8081)]
    [InlineData("127.0.0.2", 11111)]
    [InlineData("::1", 30000)]
    [InlineData("10.1.2.3", 8080)]
    public void Refused_WhateverTheSource(string address, int port)
    {
        Assert.NotNull(Policy(kubernetes: false).Refusal(IPAddress.Parse(address), port));
        Assert.NotNull(Policy(kubernetes: true).Refusal(IPAddress.Parse(address), port));
    }

    [Fact]
    public void Loopback_IsRefusedWithTheKubernetesSource_AllowedWithTheFolder_AndTheOptionDecides()
    {
        var loopback = IPAddress.Loopback;
        Assert.Null(Policy(kubernetes: false).Refusal(loopback, 9000));
        Assert.Contains("loopback", Policy(kubernetes: true).Refusal(loopback, 9000), StringComparison.Ordinal);
        Assert.Null(Policy(true, new BackendAddressOptions { BackendLoopback = LoopbackBackends.Allow }).Refusal(loopback, 9000));
        Assert.NotNull(Policy(false, new BackendAddressOptions { BackendLoopback = LoopbackBackends.Refuse }).Refusal(loopback, 9000));
        Assert.Null(Policy(kubernetes: true).Refusal(IPAddress.Parse("10.1.2.4"), 8080));
    }

    [Fact]
    public void OperatorNetworks_WidenAndNarrow_ButNeverOpenOwnPorts()
    {
        var options = new BackendAddressOptions { AllowedBackendNetworks = "169.254.20.0/24", RefusedBackendNetworks = "10.9.0.0/16" };
        Assert.Null(Policy(true, options).Refusal(IPAddress.Parse("169.254.20.10"), 53));
        Assert.NotNull(Policy(true, options).Refusal(IPAddress.Parse("169.254.169.254"), 80));
        Assert.NotNull(Policy(true, options).Refusal(IPAddress.Parse("10.9.1.1"), 80));
        Assert.NotNull(Policy(true, new BackendAddressOptions { AllowedBackendNetworks = "127.0.0.0/8" }).Refusal(IPAddress.Loopback, 8081));
    }

    [Fact]
    public void Names_AreJudgedAsLoopbackWhenLocalhost_OthersAtConnectTime()
    {
        Assert.NotNull(Policy(kubernetes: true).Refusal("localhost", 9000));
        Assert.NotNull(Policy(kubernetes: false).Refusal("LOCALHOST.", 8081));
        Assert.NotNull(Policy(kubernetes: false).Refusal("[fe80::1]", 80));
        Assert.Null(Policy(kubernetes: true).Refusal("db.example.com", 5432));
    }

    [Fact]
    public void InvalidNetworks_FailValidation()
    {
        var errors = new BackendAddressOptions { RefusedBackendNetworks = "10.0.0.0/8, nonsense" }.Validate(new(new object())).ToList();
        Assert.Contains("nonsense", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Translation_LeavesRefusedEndpointsOut_AndListsThemOnTheService()
    {
        var objects = ClusterObjects.From(
        [
            Objects.Ingress("web").Rule("a.com", "/", "Prefix", "web", 80).Rule("b.com", "/", "Prefix", "meta", 80).Build(),
            Objects.Service("web", "default", Objects.Port(80)),
            Objects.Slice("web", "default", null, 8081, ("127.0.0.1", true), ("10.1.2.9", true)),
            new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = "meta", NamespaceProperty = "default" },
                Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "localhost", Ports = [Objects.Port(80)] },
            },
        ]);
        var config = ConfigTranslator.Translate(objects, IngressClassFilter.Default, RoutingConfig.Empty, [], addresses: Policy(kubernetes: true));
        Assert.Equal(new Destination("10.1.2.9", 8081), Assert.Single(config.Backends["default/web:80"].Destinations));
        Assert.Contains("127.0.0.1:8081", Assert.Single(config.Problems["Service/default/web"].Reasons), StringComparison.Ordinal);
        Assert.Empty(config.Backends["default/meta:80"].Destinations);
        Assert.Contains("externalName refused", config.Backends["default/meta:80"].Problem, StringComparison.Ordinal);
    }
}

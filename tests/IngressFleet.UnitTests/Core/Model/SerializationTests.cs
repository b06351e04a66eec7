using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace IngressFleet.Tests.Core.Model;

/// <summary>What travels between silos and into Redis survives Orleans serialization whole, every field included.</summary>
public sealed class SerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void ConfigDelta_RoundTrips_WithTraceContext_Certificates_TlsAndOptions()
    {
        var ingress = IngressTranslator.Translate(Objects.Ingress("web")
            .Rule("a.com", "/", "Prefix", "web", 80)
            .Tls("cert", "a.com")
            .Annotate("ingressfleet.io/backend-protocol", "GRPC")
            .Annotate("ingressfleet.io/ssl-redirect", "false")
            .Build()).Value!;
        var certificate = CertificateTranslator.Translate(TestCertificates.Issue(["a.com"]).Secret("cert"), DateTimeOffset.UtcNow).Value!;
        var backend = new BackendEndpoints(new BackendRef("default", "web", 80, null), [new Destination("10.0.0.1", 8443)], null) { Tls = true };
        var change = new ConfigChange([ingress], ["default/old"], [backend], [], [], [], [certificate], ["default/gone"]);
        var delta = new ConfigDelta(4, 5, change) { SnapshotRequired = true, TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", CommittedAt = DateTimeOffset.UtcNow };

        var copy = Serializer.Deserialize<ConfigDelta>(Serializer.SerializeToArray(delta))!;

        Assert.Equal(delta.TraceParent, copy.TraceParent);
        Assert.Equal(delta.CommittedAt, copy.CommittedAt);
        Assert.True(copy.SnapshotRequired);
        Assert.Equal((4L, 5L), (copy.PreviousVersion, copy.Version));
        Assert.Equal(ingress, copy.Change.Ingresses.Single());
        Assert.Equal(ingress.Options, copy.Change.Ingresses.Single().Options);
        Assert.Equal(["a.com"], copy.Change.Ingresses.Single().Tls.Single().Hosts.ToArray());
        Assert.True(copy.Change.Backends.Single().Tls);
        Assert.Equal(certificate, copy.Change.Certificates.Single());
        Assert.Equal(certificate.NotAfter, copy.Change.Certificates.Single().NotAfter);
        Assert.Equal(["default/gone"], copy.Change.RemovedCertificates.ToArray());

        var config = RoutingConfig.Empty.Apply(change, 5);
        var configCopy = Serializer.Deserialize<RoutingConfig>(Serializer.SerializeToArray(config))!;
        Assert.Equal(config.Certificates.Keys, configCopy.Certificates.Keys);
        Assert.True(configCopy.DiffTo(config).IsEmpty);
    }

    [Fact]
    public void ControlPlaneRecords_RoundTrip_WithTheirAddedFields()
    {
        var view = new IngressFleet.Grains.Contracts.Limits.LimitView("k", 6, []) { GrainSilo = "S127.0.0.1:1:1" };
        Assert.Equal("S127.0.0.1:1:1", Serializer.Deserialize<IngressFleet.Grains.Contracts.Limits.LimitView>(Serializer.SerializeToArray(view))!.GrainSilo);

        var status = new IngressFleet.Grains.Contracts.Config.ControlPlaneStatus(7, true, 3, "s") { LastCommitAt = DateTimeOffset.UnixEpoch };
        Assert.Equal(DateTimeOffset.UnixEpoch, Serializer.Deserialize<IngressFleet.Grains.Contracts.Config.ControlPlaneStatus>(Serializer.SerializeToArray(status))!.LastCommitAt);

        var outcome = new DestinationOutcome("d", 1, 2) { ServerErrors = 2 };
        Assert.Equal(2, Serializer.Deserialize<DestinationOutcome>(Serializer.SerializeToArray(outcome))!.ServerErrors);

        var problem = new ObjectProblem("Ingress", "default", "web", "f.yaml", []) { Warnings = ["w"] };
        Assert.Equal(["w"], Serializer.Deserialize<ObjectProblem>(Serializer.SerializeToArray(problem))!.Warnings.ToArray());
    }
}

using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Grains;

/// <summary>The config's item records against a store that checks ETags as Redis storage does.</summary>
public sealed class ConfigItemStoreTests
{
    private static readonly GrainType Ingresses = GrainType.Create("ingress");
    private static readonly BackendRef Web = new("default", "web", 80, null);

    [Fact]
    public async Task ItemsWritten_AreReadBackByANewReader_UnderTheKeysTheirGrainsHad_AndRemovedOnesAreGone()
    {
        var store = new EtagCheckingStore();
        var writer = new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress");
        await writer.WriteAsync([("default/a", Ingress("default/a")), ("default/b", Ingress("default/b"))], []);
        await writer.WriteAsync([("default/a", Ingress("default/a", "/v2"))], ["default/b"]);

        var reader = new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress");
        var read = await reader.ReadAsync(["default/a", "default/b"]);
        Assert.Equal("/v2", read[0]!.Rules[0].Path);
        Assert.Null(read[1]);
        Assert.Equal(1, store.Held);

        // The record an Ingress grain kept: grain "ingress/<namespace>/<name>", state "ingress".
        var asGrainStored = new GrainState<ConfigItemState<IngressRoutes>>(new ConfigItemState<IngressRoutes>());
        await store.ReadStateAsync("ingress", GrainId.Create("ingress", "default/a"), asGrainStored);
        Assert.Equal("/v2", asGrainStored.State!.Value!.Rules[0].Path);
    }

    [Fact]
    public async Task AStoreThatLostItsData_IsWrittenAgain_ItemByItem_WithoutAFailedCommit()
    {
        var store = new EtagCheckingStore();
        var items = new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress");
        await items.WriteAsync([("default/a", Ingress("default/a")), ("default/b", Ingress("default/b"))], []);

        store.LoseEverything();
        await items.WriteAsync([("default/a", Ingress("default/a", "/after"))], ["default/b"]);

        var read = await new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress").ReadAsync(["default/a", "default/b"]);
        Assert.Equal("/after", read[0]!.Rules[0].Path);
        Assert.Null(read[1]);
    }

    [Fact]
    public async Task AnItemChangedUnderIt_ByAnotherWriter_IsOverwritten_ForTheConfigGrainIsTheItemsOnlyWriter()
    {
        var store = new EtagCheckingStore();
        var items = new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress");
        await items.WriteAsync([("default/a", Ingress("default/a"))], []);
        await new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress").WriteAsync([("default/a", Ingress("default/a", "/other"))], []);

        await items.WriteAsync([("default/a", Ingress("default/a", "/mine"))], []);

        var read = await new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress").ReadAsync(["default/a"]);
        Assert.Equal("/mine", read[0]!.Rules[0].Path);
    }

    [Fact]
    public async Task AStoreThatIsDown_FailsTheWrite()
    {
        var store = new EtagCheckingStore { Failing = true };
        var items = new ConfigItemStore<IngressRoutes>(store, Ingresses, "ingress");
        await Assert.ThrowsAsync<InvalidOperationException>(() => items.WriteAsync([("default/a", Ingress("default/a"))], []));
    }

    private static IngressRoutes Ingress(string key, string path = "/")
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new IngressRoutes(key[..slash], key[(slash + 1)..], DateTimeOffset.UnixEpoch, [new RouteRule($"{key[(slash + 1)..]}.test", path, PathMatch.Prefix, Web)], null);
    }
}

using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Tests.Fixtures;

namespace IngressFleet.Tests.Grains;

/// <summary>The config index's shards against a store that keeps ETags as a real one does, and can be made to fail.</summary>
public sealed class ConfigIndexShardsTests
{
    private static readonly GrainId Grain = GrainId.Create("config", "fleet");
    private static readonly BackendRef Web = new("default", "web", 80, null);

    [Fact]
    public async Task AOneIngressChange_WritesOneShard_AndANewReaderRestoresTheMembership()
    {
        var store = new EtagCheckingStore();
        var shards = new ConfigIndexShards(store, Grain);
        await shards.ReadAsync();
        shards.RewriteAllOnNextWrite();
        var (config, _) = Config(Enumerable.Range(0, 300).Select(i => $"default/app-{i}"), version: 1);
        await shards.WriteAsync(config, ConfigChange.Empty);
        Assert.Equal(ConfigIndexShards.Count, store.Writes);

        store.Writes = 0;
        var added = Ingress("default/added");
        var next = config.Apply(new ConfigChange([added], ["default/app-7"], [], [], [], [], [], []), 2);
        await shards.WriteAsync(next, new ConfigChange([added], ["default/app-7"], [], [], [], [], [], []));
        var touched = new[] { "default/added", "default/app-7" }.Select(ConfigIndexShards.ShardOf).Distinct().Count();
        Assert.Equal(touched, store.Writes);

        var reader = new ConfigIndexShards(store, Grain);
        await reader.ReadAsync();
        Assert.Equal(next.Ingresses.Keys.Order(StringComparer.Ordinal), reader.Ingresses.Order(StringComparer.Ordinal));
        Assert.Equal([Web.Key], reader.Backends);
        Assert.Equal(2, reader.NewestVersion);
        Assert.False(reader.RewritePending);
    }

    [Fact]
    public async Task AFailedShardWrite_ChangesNothingInMemory_AndTheNextWriteRewritesEveryShard()
    {
        var store = new EtagCheckingStore();
        var shards = new ConfigIndexShards(store, Grain);
        await shards.ReadAsync();
        shards.RewriteAllOnNextWrite();
        var (config, _) = Config(["default/a", "default/b"], version: 1);
        await shards.WriteAsync(config, ConfigChange.Empty);

        store.Failing = true;
        var added = Ingress("default/c");
        var change = new ConfigChange([added], [], [], [], [], [], [], []);
        await Assert.ThrowsAsync<InvalidOperationException>(() => shards.WriteAsync(config.Apply(change, 2), change));
        Assert.DoesNotContain("default/c", shards.Ingresses);
        Assert.True(shards.RewritePending);

        store.Failing = false;
        store.Writes = 0;
        await shards.WriteAsync(config.Apply(change, 3), change);
        Assert.Equal(ConfigIndexShards.Count, store.Writes);
        Assert.Contains("default/c", shards.Ingresses);
        Assert.False(shards.RewritePending);
    }

    [Fact]
    public void ShardOf_IsTheSameInEveryProcess() =>
        Assert.Equal([59, 38], new[] { "default/web", "kube-system/dns" }.Select(ConfigIndexShards.ShardOf));

    private static IngressRoutes Ingress(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new IngressRoutes(key[..slash], key[(slash + 1)..], DateTimeOffset.UnixEpoch, [new RouteRule($"{key[(slash + 1)..]}.test", "/", PathMatch.Prefix, Web)], null);
    }

    private static (RoutingConfig Config, ConfigChange Change) Config(IEnumerable<string> keys, long version)
    {
        var change = new ConfigChange([.. keys.Select(Ingress)], [], [new BackendEndpoints(Web, [], null)], [], [], [], [], []);
        return (RoutingConfig.Empty.Apply(change, version), change);
    }
}

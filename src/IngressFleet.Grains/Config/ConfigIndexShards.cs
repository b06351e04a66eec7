using IngressFleet.Core.Model;
using Orleans.Storage;

namespace IngressFleet.Grains.Config;

/// <summary>
/// The config index's membership, split into <see cref="Count"/> shards stored beside the config grain's own
/// state (same grain, state names <c>config-index-NN</c>), so that a commit writes only the shards its change
/// touches: a one-Ingress change writes one shard of a few hundred keys, not every key of the fleet.
/// </summary>
internal sealed class ConfigIndexShards(IGrainStorage storage, GrainId grain)
{
    public const int Count = 64;

    private readonly GrainState<ConfigIndexShard>[] _shards = [.. Enumerable.Range(0, Count).Select(_ => new GrainState<ConfigIndexShard>(new ConfigIndexShard()))];

    // Set when the shards in the store cannot be trusted to hold exactly the config in force (a new fleet over
    // leftovers, or an index written before shards existed): the next write then rewrites every shard.
    private bool _rewriteAll;

    public IEnumerable<string> Ingresses => _shards.SelectMany(s => Held(s).Ingresses);

    public IEnumerable<string> Backends => _shards.SelectMany(s => Held(s).Backends);

    public IEnumerable<string> Certificates => _shards.SelectMany(s => Held(s).Certificates);

    public IEnumerable<ObjectProblem> Problems => _shards.SelectMany(s => Held(s).Problems.Values);

    /// <summary>The newest version any shard was written for.</summary>
    public long NewestVersion => _shards.Max(s => Held(s).Version);

    /// <summary>True when the next write rewrites every shard.</summary>
    public bool RewritePending => _rewriteAll;

    /// <summary>The shard a key belongs to: a hash that is the same in every process and every run.</summary>
    public static int ShardOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Count);
    }

    /// <summary>Reads every shard (their contents, and the ETags later writes need).</summary>
    public Task ReadAsync() => Task.WhenAll(_shards.Select((s, i) => storage.ReadStateAsync(StateName(i), grain, s)));

    /// <summary>Makes the next write rewrite every shard from the whole config.</summary>
    public void RewriteAllOnNextWrite() => _rewriteAll = true;

    /// <summary>
    /// Stores the membership of <paramref name="config"/>, reached by <paramref name="change"/>: the shards of the
    /// keys the change sets or removes (every shard after <see cref="RewriteAllOnNextWrite"/>). The shards in
    /// memory change only once their write succeeded.
    /// </summary>
    public async Task WriteAsync(RoutingConfig config, ConfigChange change)
    {
        // A rewrite is the whole config set onto empty shards; every shard is written, even one left empty.
        var next = new Dictionary<int, ConfigIndexShard>();
        if (_rewriteAll)
        {
            for (var i = 0; i < Count; i++)
            {
                next[i] = new ConfigIndexShard();
            }

            change = new ConfigChange(
                [.. config.Ingresses.Values], [], [.. config.Backends.Values], [], [.. config.Problems.Values], [], [.. config.Certificates.Values], []);
        }

        ConfigIndexShard Shard(string key)
        {
            var i = ShardOf(key);
            return next.TryGetValue(i, out var shard) ? shard : next[i] = Held(_shards[i]).Copy();
        }

        foreach (var item in change.Ingresses)
        {
            Shard(item.Key).Ingresses.Add(item.Key);
        }

        foreach (var key in change.RemovedIngresses)
        {
            Shard(key).Ingresses.Remove(key);
        }

        foreach (var item in change.Backends)
        {
            Shard(item.Key).Backends.Add(item.Key);
        }

        foreach (var key in change.RemovedBackends)
        {
            Shard(key).Backends.Remove(key);
        }

        foreach (var item in change.Certificates)
        {
            Shard(item.Key).Certificates.Add(item.Key);
        }

        foreach (var key in change.RemovedCertificates)
        {
            Shard(key).Certificates.Remove(key);
        }

        foreach (var problem in change.Problems)
        {
            Shard(problem.Key).Problems[problem.Key] = problem;
        }

        foreach (var key in change.RemovedProblems)
        {
            Shard(key).Problems.Remove(key);
        }

        foreach (var shard in next.Values)
        {
            shard.Version = config.Version;
        }

        await Task.WhenAll(next.Select(async n =>
        {
            var state = _shards[n.Key];
            var previous = state.State;
            state.State = n.Value;
            try
            {
                await storage.WriteStateAsync(StateName(n.Key), grain, state);
            }
            catch
            {
                // Other shards of this change may be stored: the next write sets every shard from the config in force.
                state.State = previous;
                _rewriteAll = true;
                throw;
            }
        }));
        _rewriteAll = false;
    }

    /// <summary>A shard's state; a store that holds none may leave it null.</summary>
    private static ConfigIndexShard Held(GrainState<ConfigIndexShard> shard) => shard.State ??= new ConfigIndexShard();

    private static string StateName(int shard) => $"config-index-{shard:D2}";
}

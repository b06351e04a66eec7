using IngressFleet.Grains.Config;
using Orleans.Storage;

namespace IngressFleet.Tests.Fixtures;

/// <summary>
/// An in-memory grain storage that checks ETags on write and clear as Redis storage does, hands back copies, and can
/// be made to fail or to lose everything (a Redis restarted empty).
/// </summary>
internal sealed class EtagCheckingStore : IGrainStorage
{
    private readonly Dictionary<(GrainId, string), (object State, string ETag)> _states = [];

    public int Writes { get; set; }

    public bool Failing { get; set; }

    public int Held => _states.Count;

    /// <summary>Drops every state, as a store that lost its data.</summary>
    public void LoseEverything() => _states.Clear();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((grainId, stateName), out var held))
        {
            grainState.State = (T)Clone(held.State);
            grainState.ETag = held.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Check(stateName, grainId, grainState);
        var etag = Guid.NewGuid().ToString("N");
        _states[(grainId, stateName)] = (Clone(grainState.State!), etag);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        Writes++;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Check(stateName, grainId, grainState);
        _states.Remove((grainId, stateName));
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private void Check<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Failing)
        {
            throw new InvalidOperationException("the store is down");
        }

        var stored = _states.TryGetValue((grainId, stateName), out var held) ? held.ETag : null;
        if (stored != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag mismatch on {grainId}/{stateName}: stored {stored ?? "none"}, given {grainState.ETag ?? "none"}");
        }
    }

    // What a store hands back is a copy, never the instance written (shallow past the shard's sets: items are immutable records).
    private static object Clone(object state) => state is ConfigIndexShard shard
        ? shard.Copy()
        : typeof(object).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.Invoke(state, null)!;
}

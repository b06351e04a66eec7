using System.Collections.Immutable;
using IngressFleet.Backends;
using IngressFleet.Certificates;
using IngressFleet.Model;
using IngressFleet.Routes;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace IngressFleet.Config;

/// <summary>What the config grain persists: the version and which route and backend grains hold config.</summary>
[GenerateSerializer, Alias("ingressfleet.ConfigIndex")]
public sealed class ConfigIndex
{
    [Id(0)] public long Version { get; set; }

    [Id(1)] public HashSet<string> Ingresses { get; set; } = new(StringComparer.Ordinal);

    [Id(2)] public HashSet<string> Backends { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public Dictionary<string, ObjectProblem> Problems { get; set; } = new(StringComparer.Ordinal);

    [Id(4)] public bool SourceSynced { get; set; }

    [Id(5)] public long SourceEpoch { get; set; }

    [Id(6)] public HashSet<string> Certificates { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IConfigGrain"/>
/// <remarks>
/// Each Ingress's routes live in its <see cref="IIngressGrain"/> and each backend's endpoints in its
/// <see cref="IBackendGrain"/>, so a change writes only what changed. This grain persists the index and
/// keeps the assembled <see cref="RoutingConfig"/> in memory only, rebuilt from those grains on activation.
/// </remarks>
internal sealed partial class ConfigGrain(
    [PersistentState("config", ConfigStreamNames.StorageName)] IPersistentState<ConfigIndex> index,
    TimeProvider time,
    ILogger<ConfigGrain> logger) : Grain, IConfigGrain
{
    /// <summary>Above this many items a delta carries no payload and proxies fetch the snapshot instead.</summary>
    internal const int MaxDeltaItems = 5_000;

    private RoutingConfig _current = RoutingConfig.Empty;
    private IAsyncStream<ConfigDelta>? _stream;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(ConfigStreamNames.ProviderName).GetStream<ConfigDelta>(ConfigStreamNames.Id);
        var state = index.State;
        if (state.Version == 0)
        {
            return;
        }

        var ingresses = await Task.WhenAll(state.Ingresses.Select(k => GrainFactory.GetGrain<IIngressGrain>(k).GetAsync()));
        var backends = await Task.WhenAll(state.Backends.Select(k => GrainFactory.GetGrain<IBackendGrain>(k).GetAsync()));
        var certificates = await Task.WhenAll(state.Certificates.Select(k => GrainFactory.GetGrain<ICertificateGrain>(k).GetAsync()));
        _current = RoutingConfig.Empty.Apply(
            new ConfigChange(
                [.. ingresses.OfType<IngressRoutes>()], [],
                [.. backends.OfType<BackendEndpoints>()], [],
                [.. state.Problems.Values], [],
                [.. certificates.OfType<TlsCertificate>()], []),
            state.Version);
        Log.Restored(logger, state.Version, _current.Ingresses.Count, _current.Backends.Count);
    }

    public async Task<CommitResult> CommitAsync(ConfigChange change, long sourceEpoch)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = index.State;
        if (sourceEpoch < state.SourceEpoch)
        {
            Log.StaleSource(logger, sourceEpoch, state.SourceEpoch);
            return new CommitResult(false, _current.Version);
        }

        if (change.IsEmpty)
        {
            if (!state.SourceSynced || sourceEpoch != state.SourceEpoch)
            {
                state.SourceSynced = true;
                state.SourceEpoch = sourceEpoch;
                await index.WriteStateAsync();
            }

            return new CommitResult(true, _current.Version);
        }

        await Task.WhenAll(
            change.Ingresses.Select(i => GrainFactory.GetGrain<IIngressGrain>(i.Key).SetAsync(i))
                .Concat(change.RemovedIngresses.Select(k => GrainFactory.GetGrain<IIngressGrain>(k).SetAsync(null)))
                .Concat(change.Backends.Select(b => GrainFactory.GetGrain<IBackendGrain>(b.Key).SetAsync(b)))
                .Concat(change.RemovedBackends.Select(k => GrainFactory.GetGrain<IBackendGrain>(k).SetAsync(null)))
                .Concat(change.Certificates.Select(c => GrainFactory.GetGrain<ICertificateGrain>(c.Key).SetAsync(c)))
                .Concat(change.RemovedCertificates.Select(k => GrainFactory.GetGrain<ICertificateGrain>(k).SetAsync(null))));

        var previous = _current.Version;
        var next = _current.Apply(change, previous + 1);
        state.Version = next.Version;
        state.SourceSynced = true;
        state.SourceEpoch = sourceEpoch;
        state.Ingresses = [.. next.Ingresses.Keys];
        state.Backends = [.. next.Backends.Keys];
        state.Certificates = [.. next.Certificates.Keys];
        state.Problems = new Dictionary<string, ObjectProblem>(next.Problems, StringComparer.Ordinal);
        await index.WriteStateAsync();
        _current = next;
        Log.Committed(logger, next.Version, change.Count);

        var delta = (change.Count > MaxDeltaItems
            ? new ConfigDelta(previous, next.Version, ConfigChange.Empty) { SnapshotRequired = true }
            : new ConfigDelta(previous, next.Version, change)) with
            {
                TraceParent = System.Diagnostics.Activity.Current is { Recorded: true } activity ? activity.Id : null,
                CommittedAt = time.GetUtcNow(),
            };
        try
        {
            await _stream!.OnNextAsync(delta);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stream is the fast path only: proxies that miss this delta catch up from the snapshot.
            Log.PublishFailed(logger, next.Version, e);
        }

        return new CommitResult(true, next.Version);
    }

    public Task<RoutingConfig> GetSnapshotAsync() => Task.FromResult(_current);

    public Task<ControlPlaneStatus> GetStatusAsync() =>
        Task.FromResult(new ControlPlaneStatus(_current.Version, index.State.SourceSynced, index.State.SourceEpoch, RuntimeIdentity));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Config version {Version} restored: {Ingresses} ingresses, {Backends} backends")]
        public static partial void Restored(ILogger logger, long version, int ingresses, int backends);

        [LoggerMessage(2, LogLevel.Information, "Config version {Version} committed: {Items} items changed")]
        public static partial void Committed(ILogger logger, long version, int items);

        [LoggerMessage(3, LogLevel.Warning, "Config version {Version} could not be published on the stream; proxies will fetch the snapshot")]
        public static partial void PublishFailed(ILogger logger, long version, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Refused a commit from source term {Epoch}: term {CurrentEpoch} has committed since")]
        public static partial void StaleSource(ILogger logger, long epoch, long currentEpoch);
    }
}

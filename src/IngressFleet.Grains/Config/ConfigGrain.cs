using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Core.Telemetry;
using IngressFleet.Grains.Contracts.Backends;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.SourceLeases;
using IngressFleet.Grains.Observers;
using Orleans.Storage;
using Orleans.Streams;

namespace IngressFleet.Grains.Config;

/// <inheritdoc cref="IConfigGrain"/>
/// <remarks>
/// Each Ingress's routes and each certificate are stored under a key of their own (<see cref="ConfigItemStore{T}"/>)
/// and each backend's endpoints in its <see cref="IBackendGrain"/>, so a change writes only what changed. This
/// grain persists the index (its membership in <see cref="ConfigIndexShards"/>, written shard by shard) and keeps
/// the assembled <see cref="RoutingConfig"/> in memory only, rebuilt from those records and grains on activation.
/// </remarks>
internal sealed partial class ConfigGrain(
    [PersistentState(ConfigGrain.IndexStateName, ControlPlaneNames.StorageName)] IPersistentState<ConfigIndex> index,
    TimeProvider time,
    ILogger<ConfigGrain> logger) : Grain, IConfigGrain
{
    /// <summary>Above this many items a delta carries no payload and proxies fetch the snapshot instead.</summary>
    internal const int MaxDeltaItems = 5_000;

    private const string IndexStateName = "config";

    /// <summary>How often an activation compares the stored version with its own (see <see cref="StepDownIfStaleAsync"/>).</summary>
    private static readonly TimeSpan StaleCheckPeriod = TimeSpan.FromSeconds(1);

    // The grain types and state names the items were stored under when each was a grain of its own.
    private static readonly GrainType IngressItems = GrainType.Create("ingress");
    private static readonly GrainType CertificateItems = GrainType.Create("certificate");

    private RoutingConfig _current = RoutingConfig.Empty;
    private ConfigIndexShards _shards = null!;
    private ConfigItemStore<IngressRoutes> _ingresses = null!;
    private ConfigItemStore<TlsCertificate> _certificates = null!;
    private IAsyncStream<ConfigDelta>? _stream;
    private DateTimeOffset? _lastCommitAt;

    private readonly ObserverRegistry<IConfigObserver> _observers = new(time);

    // For the fleet page's timeline: held in memory only, a new activation starts it anew.
    private System.Collections.Immutable.ImmutableArray<VersionCommit> _recentCommits = [];

    // Nothing stored means a new fleet or a store that lost its data, which cannot be told apart. Either way the
    // next version starts from the clock (microseconds), above any version a silo may still serve, so no silo
    // ever takes new config for the old config it already has.
    private long _versionFloor;

    // What status reads see: replaced in one write, only after the state it describes is stored, so an
    // interleaved read never pairs a synced source with a version that is not yet the current one.
    private ControlPlaneStatus _status = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(ControlPlaneNames.ProviderName).GetStream<ConfigDelta>(ControlPlaneNames.Id);
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ControlPlaneNames.StorageName);
        _shards = new ConfigIndexShards(storage, this.GetGrainId());
        _ingresses = new ConfigItemStore<IngressRoutes>(storage, IngressItems, "ingress");
        _certificates = new ConfigItemStore<TlsCertificate>(storage, CertificateItems, "certificate");
        this.RegisterGrainTimer(
            ct => StepDownIfStaleAsync(storage, ct),
            new GrainTimerCreationOptions(StaleCheckPeriod, StaleCheckPeriod) { Interleave = false, KeepAlive = false });
        await _shards.ReadAsync();
        var state = index.State;
        var cutOff = !state.HoldsMembership && _shards.NewestVersion > state.Version;
        if (state.Version == 0 || state.HoldsMembership || cutOff)
        {
            // Shards left from a store that lost the version, an index from before shards, or shards of a commit
            // whose index write never happened: rewritten whole from the config restored.
            _shards.RewriteAllOnNextWrite();
        }

        if (state.Version == 0)
        {
            _versionFloor = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

            // And commits of a term older than the lease's current one stay refused, though the term that
            // committed last was lost: a source holder frozen past its lease must not write on waking.
            var lease = await GrainFactory.GetGrain<ISourceLeaseGrain>(ControlPlaneNames.FleetKey).GetAsync();
            state.SourceTerm = Math.Max(state.SourceTerm, lease?.Term ?? 0);
            _status = Status(state);
            return;
        }

        if (cutOff)
        {
            // What is restored may differ from what silos serve as the stored version: it gets a version of its
            // own, so every silo fetches it, and the source (refused as stale) computes its next change against it.
            state.Version = Math.Max(state.Version + 1, time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
        }

        _status = Status(state);

        // An index from before shards lists the membership itself; the shards are then not yet written.
        var legacy = state.HoldsMembership;
        var ingresses = await _ingresses.ReadAsync(legacy ? state.Ingresses : _shards.Ingresses);
        var backends = await Task.WhenAll((legacy ? state.Backends : _shards.Backends).Select(k => GrainFactory.GetGrain<IBackendGrain>(k).GetAsync()));
        var certificates = await _certificates.ReadAsync(legacy ? state.Certificates : _shards.Certificates);
        _current = RoutingConfig.Empty.Apply(
            new ConfigChange(
                [.. ingresses.OfType<IngressRoutes>()], [],
                [.. backends.OfType<BackendEndpoints>()], [],
                [.. legacy ? state.Problems.Values : _shards.Problems], [],
                [.. certificates.OfType<TlsCertificate>()], []),
            state.Version);
        Log.Restored(logger, state.Version, _current.Ingresses.Count, _current.Backends.Count);
    }

    public async Task<CommitResult> CommitAsync(ConfigChange change, long sourceTerm, long baseVersion)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = index.State;
        if (state.Fences(sourceTerm))
        {
            Log.StaleSource(logger, sourceTerm, state.SourceTerm);
            return new CommitResult(false, _current.Version);
        }

        if (baseVersion != _current.Version)
        {
            Log.StaleBase(logger, baseVersion, _current.Version);
            return new CommitResult(false, _current.Version) { StaleBase = true };
        }

        _lastCommitAt = time.GetUtcNow();
        if (change.IsEmpty && _current.Version != 0)
        {
            if (_shards.RewritePending)
            {
                // Before the index drops a legacy membership, or after shards that cannot be trusted.
                await _shards.WriteAsync(_current, change);
            }

            if (!state.SourceSynced || sourceTerm != state.SourceTerm || state.HoldsMembership)
            {
                await WriteAsync(ConfigIndex.Of(state.Version, sourceTerm));
            }

            _status = Status(index.State);
            return new CommitResult(true, _current.Version);
        }

        using (var storing = FleetTelemetry.Source.StartActivity(FleetTelemetry.StoreSpan))
        {
            storing?.SetTag("ingressfleet.config.changed_items", change.Count);
            await StoreItemsAsync(change);
        }

        var previous = _current.Version;
        var next = _current.Apply(change, Math.Max(previous + 1, _versionFloor));
        await _shards.WriteAsync(next, change);
        try
        {
            await WriteAsync(ConfigIndex.Of(next.Version, sourceTerm));
        }
        catch
        {
            // The shards hold this change, the index does not: the next write sets every shard from the config in force.
            _shards.RewriteAllOnNextWrite();
            throw;
        }
        _current = next;
        _recentCommits = _recentCommits.Length < RecentCommitsKept ? _recentCommits.Add(new VersionCommit(next.Version, time.GetUtcNow())) : _recentCommits.RemoveAt(0).Add(new VersionCommit(next.Version, time.GetUtcNow()));
        _status = Status(index.State);
        Log.Committed(logger, next.Version, change.Count);

        var delta = (change.Count > MaxDeltaItems
            ? new ConfigDelta(previous, next.Version, ConfigChange.Empty) { SnapshotRequired = true }
            : new ConfigDelta(previous, next.Version, change)) with
            {
                TraceParent = System.Diagnostics.Activity.Current is { Recorded: true } activity ? activity.Id : null,
                CommittedAt = time.GetUtcNow(),
            };
        foreach (var failure in _observers.Push(o => o.OnDeltaAsync(delta)))
        {
            Log.PushFailed(logger, failure.Message);
        }

        try
        {
            await _stream!.OnNextAsync(delta);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The push and the stream are fast paths only: proxies that miss this delta catch up from the snapshot.
            Log.PublishFailed(logger, next.Version, e);
        }

        return new CommitResult(true, next.Version);
    }

    public Task<RoutingConfig> GetSnapshotAsync() => Task.FromResult(_current);

    public Task<ControlPlaneStatus> WatchAsync(IConfigObserver observer, TimeSpan renewal)
    {
        _observers.Watch(observer, renewal);
        return Task.FromResult(_status);
    }

    public Task UnwatchAsync(IConfigObserver observer)
    {
        _observers.Unwatch(observer);
        return Task.CompletedTask;
    }

    public Task<ControlPlaneStatus> GetStatusAsync() => Task.FromResult(_status);

    private const int RecentCommitsKept = 20;

    private ControlPlaneStatus Status(ConfigIndex state) =>
        new(state.Version, state.SourceSynced, state.SourceTerm, RuntimeIdentity) { LastCommitAt = _lastCommitAt, RecentCommits = _recentCommits };

    /// <summary>
    /// While silos join, the grain directory settles after membership does, and for a moment two activations of this
    /// grain can exist. The one that stays may have activated before the other committed and never written since: it
    /// would answer with the version it read at activation while storage holds a newer one, and no silo would become
    /// current until the next change (seen at a fleet's start: every silo stuck on version 0). An activation that
    /// writes learns of the other through the store's etag; this one reads the stored version now and then, and
    /// steps down when storage is ahead, so the next call restores what is stored.
    /// </summary>
    private async Task StepDownIfStaleAsync(IGrainStorage storage, CancellationToken cancellationToken)
    {
        var stored = new GrainState<ConfigIndex>(new ConfigIndex());
        try
        {
            // Bounded: this runs as one of the grain's turns, and a frozen store must not hold up its commits for long.
            await storage.ReadStateAsync(IndexStateName, this.GetGrainId(), stored).WaitAsync(StaleCheckPeriod, time, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store that cannot be read (or not in time) says nothing about this activation; the next check asks again.
            return;
        }

        if (stored.State is { } index && index.Version > _current.Version)
        {
            Log.StaleActivation(logger, _current.Version, index.Version);
            this.DeactivateOnIdle();
        }
    }

    /// <summary>Writes the change's items: backends to their grains, Ingress routes and certificates to their records.</summary>
    private Task StoreItemsAsync(ConfigChange change) => Task.WhenAll(
        change.Backends.Select(b => GrainFactory.GetGrain<IBackendGrain>(b.Key).SetAsync(b))
            .Concat(change.RemovedBackends.Select(k => GrainFactory.GetGrain<IBackendGrain>(k).SetAsync(null)))
            .Append(_ingresses.WriteAsync(change.Ingresses.Select(i => (i.Key, i)), change.RemovedIngresses))
            .Append(_certificates.WriteAsync(change.Certificates.Select(c => (c.Key, c)), change.RemovedCertificates)));

    /// <summary>Stores <paramref name="next"/>; the state in memory changes only once the write succeeded.</summary>
    private async Task WriteAsync(ConfigIndex next)
    {
        var previous = index.State;
        index.State = next;
        try
        {
            await index.WriteStateAsync();
        }
        catch
        {
            index.State = previous;
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConfigGrainStaleBase, LogLevel.Information, "A commit computed against version {BaseVersion} arrived at version {Version}; its source computes it again from the snapshot")]
        public static partial void StaleBase(ILogger logger, long baseVersion, long version);

        [LoggerMessage(EventIds.ConfigGrainRestored, LogLevel.Information, "Config version {Version} restored: {Ingresses} ingresses, {Backends} backends")]
        public static partial void Restored(ILogger logger, long version, int ingresses, int backends);

        [LoggerMessage(EventIds.ConfigGrainCommitted, LogLevel.Information, "Config version {Version} committed: {Items} items changed")]
        public static partial void Committed(ILogger logger, long version, int items);

        [LoggerMessage(EventIds.ConfigGrainPublishFailed, LogLevel.Warning, "Config version {Version} could not be published on the stream; proxies will fetch the snapshot")]
        public static partial void PublishFailed(ILogger logger, long version, Exception exception);

        [LoggerMessage(EventIds.ConfigGrainPushFailed, LogLevel.Debug, "A config delta could not be pushed to a silo's observer ({Reason}); the stream and the version check still reach it")]
        public static partial void PushFailed(ILogger logger, string reason);

        [LoggerMessage(EventIds.ConfigGrainStaleActivation, LogLevel.Warning, "This activation of the config grain holds version {Version} while storage holds {StoredVersion} (another activation committed it); deactivating, so the next call restores what is stored")]
        public static partial void StaleActivation(ILogger logger, long version, long storedVersion);

        [LoggerMessage(EventIds.ConfigGrainStaleSource, LogLevel.Warning, "Refused a commit from source term {Term}: term {CurrentTerm} has committed since")]
        public static partial void StaleSource(ILogger logger, long term, long currentTerm);
    }
}

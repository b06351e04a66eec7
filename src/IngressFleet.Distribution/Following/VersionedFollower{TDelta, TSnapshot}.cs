using System.Diagnostics;
using System.Threading.Channels;
using IngressFleet.Core.Logging;

namespace IngressFleet.Distribution.Following;

/// <summary>
/// Keeps a silo's <see cref="IVersionedTarget{TDelta, TSnapshot}"/> on the control plane's version, for
/// config and health alike. The stream is the fast path, the snapshot the truth: deltas are applied strictly
/// in order; the snapshot is fetched at start, on a gap, and whenever the periodic version check finds the
/// target behind (which repairs lost events and lost subscriptions alike). The stream handler only queues;
/// one loop applies, so delivery never waits for an apply, and every apply is serialised.
/// </summary>
/// <typeparam name="TDelta">One version's change.</typeparam>
/// <typeparam name="TSnapshot">A whole version.</typeparam>
public sealed partial class VersionedFollower<TDelta, TSnapshot> : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);

    private readonly string _name;
    private readonly IVersionedFeed<TDelta, TSnapshot> _feed;
    private readonly IVersionedTarget<TDelta, TSnapshot> _target;
    private readonly FollowerTiming _timing;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<TDelta> _deltas = Channel.CreateUnbounded<TDelta>(new() { SingleReader = true });
    private IAsyncDisposable? _subscription;

    // Set when a check had to repair what the stream missed, cleared when a delta is applied again: until then
    // the checks run at the catch-up pace. After Redis lost the stream's subscriptions, a stream can go on
    // delivering to a subscription that no longer exists here for as long as it stays busy.
    private volatile bool _streamSuspect;
    private long _knownVersion;
    private volatile bool _synced;

    // The version a check found this target behind on, given until the next check to arrive; 0 when none.
    private long _awaited;

    /// <param name="name">What is followed, for logs (<c>config</c>, <c>health</c>).</param>
    public VersionedFollower(string name, IVersionedFeed<TDelta, TSnapshot> feed, IVersionedTarget<TDelta, TSnapshot> target, FollowerTiming timing, TimeProvider time, ILogger logger)
    {
        _name = name;
        _feed = feed;
        _target = target;
        _timing = timing;
        _time = time;
        _logger = logger;
    }

    /// <summary>The control plane's version as last seen (by a delta, a check or a snapshot).</summary>
    public long KnownVersion => Interlocked.Read(ref _knownVersion);

    /// <summary>True once a snapshot was applied and the target serves the newest version known.</summary>
    public bool IsCurrent => _synced && !Supersedes(KnownVersion);

    /// <summary>Subscribes, fetches the snapshot, then applies deltas and checks the version until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        _subscription = await RetryAsync(() => _feed.SubscribeAsync(OnDeltaAsync), "subscribe", stoppingToken);
        await RetryAsync(
            async () =>
            {
                await SyncAsync(stoppingToken);
                return true;
            },
            "fetch the snapshot",
            stoppingToken);
        Log.Synced(_logger, _name, _target.Version);
        await Task.WhenAll(ApplyDeltasAsync(stoppingToken), CheckPeriodicallyAsync(stoppingToken));
    }

    /// <summary>Leaves no subscription behind for the stream to deliver to after this silo is gone.</summary>
    public async Task UnsubscribeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _subscription, null) is not { } subscription)
        {
            return;
        }

        try
        {
            await subscription.DisposeAsync().AsTask().WaitAsync(_timing.UnsubscribeTimeout, _time, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.UnsubscribeFailed(_logger, _name, e);
        }
    }

    /// <summary>Applies one delta in order, or fetches the snapshot when it does not follow the served version.</summary>
    public async Task<DeltaOutcome> HandleAsync(TDelta delta, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var version = _target.VersionOf(delta);
            if (!_target.FollowsOlderVersions)
            {
                Observe(version);
            }

            if (version <= _target.Version)
            {
                return DeltaOutcome.Ignored;
            }

            if (_target.TryApply(delta))
            {
                Observe(version);
                _streamSuspect = false;
                return DeltaOutcome.Applied;
            }

            await ApplySnapshotAsync();
            return DeltaOutcome.SnapshotApplied;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Compares the served version with the control plane's, and fetches the snapshot when behind (when already synced: behind at two checks in a row on what it waited for).</summary>
    /// <returns>True when a snapshot was fetched.</returns>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var version = await _feed.GetVersionAsync();
        Observe(version);
        if (IsCurrent)
        {
            _awaited = 0;
            return false;
        }

        // A version committed a moment ago is usually still on its way (pushed, or on the stream), and a whole
        // snapshot fetched now would hold up its apply behind the gate (at 10,000 Ingresses, a few hundred ms). A
        // synced target gives it until the next check (CatchUpInterval later) and fetches only when what it waited
        // for has not come; a target that follows older versions has no order to wait on.
        if (_synced && !_target.FollowsOlderVersions && (_awaited == 0 || _target.Version >= _awaited))
        {
            _awaited = KnownVersion;
            return false;
        }

        _awaited = 0;
        await SyncAsync(cancellationToken);
        Log.Repaired(_logger, _name, _target.Version);
        _streamSuspect = true;

        // The stream missed a change: its subscription may be gone with the store that held it (Redis restarted
        // empty). Subscribing again restores the fast path; until then the checks keep this silo current.
        await ResubscribeAsync();
        return true;
    }

    private async Task ResubscribeAsync()
    {
        try
        {
            var fresh = await _feed.SubscribeAsync(OnDeltaAsync);
            if (Interlocked.Exchange(ref _subscription, fresh) is { } old)
            {
                await old.DisposeAsync().AsTask().WaitAsync(_timing.UnsubscribeTimeout, _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception e)
        {
            Log.ResubscribeFailed(_logger, _name, e.Message);
        }
    }

    public void Dispose() => _gate.Dispose();

    private Task OnDeltaAsync(TDelta delta)
    {
        _deltas.Writer.TryWrite(delta);
        return Task.CompletedTask;
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ApplySnapshotAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplySnapshotAsync()
    {
        var snapshot = await _feed.GetSnapshotAsync();
        var version = _target.VersionOf(snapshot);
        Observe(version);
        if (Supersedes(version))
        {
            _target.Apply(snapshot);
        }

        _synced = true;
    }

    /// <summary>Whether the control plane at <paramref name="version"/> is ahead of what the target serves.</summary>
    private bool Supersedes(long version) => _target.FollowsOlderVersions ? version != _target.Version : version > _target.Version;

    /// <summary>Raises the known version (or, for a target that follows older versions, sets it).</summary>
    private void Observe(long version)
    {
        if (_target.FollowsOlderVersions)
        {
            Interlocked.Exchange(ref _knownVersion, version);
            return;
        }

        var known = Interlocked.Read(ref _knownVersion);
        while (version > known && Interlocked.CompareExchange(ref _knownVersion, version, known) != known)
        {
            known = Interlocked.Read(ref _knownVersion);
        }
    }

    private async Task ApplyDeltasAsync(CancellationToken stoppingToken)
    {
        await foreach (var delta in _deltas.Reader.ReadAllAsync(stoppingToken))
        {
            var handling = _target.Handling(delta);
            try
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await HandleAsync(delta, stoppingToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                Log.DeltaHandled(_logger, _name, _target.VersionOf(delta), outcome, elapsed.TotalMilliseconds);
                _target.Handled(delta, outcome, elapsed, handling);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The periodic check fetches the snapshot later; the last applied version keeps serving.
                Log.ApplyFailed(_logger, _name, _target.VersionOf(delta), e);
                _target.Failed(delta, e, handling);
            }
            finally
            {
                handling?.Dispose();
            }
        }
    }

    private async Task CheckPeriodicallyAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.CheckFailed(_logger, _name, e);
            }

            await Task.Delay(IsCurrent && !_streamSuspect ? _timing.CheckInterval : _timing.CatchUpInterval, _time, stoppingToken);
        }
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> action, string what, CancellationToken stoppingToken)
    {
        var delay = FirstRetry;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.RetryLater(_logger, _name, what, delay, e);
                await Task.Delay(delay, _time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _timing.RetryMaxDelay.Ticks));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.FollowerSynced, LogLevel.Information, "Following the {Followed}: synced with the control plane at version {Version}")]
        public static partial void Synced(ILogger logger, string followed, long version);

        [LoggerMessage(EventIds.FollowerDeltaHandled, LogLevel.Debug, "{Followed} delta to version {Version}: {Outcome} in {Milliseconds:0.0} ms")]
        public static partial void DeltaHandled(ILogger logger, string followed, long version, DeltaOutcome outcome, double milliseconds);

        [LoggerMessage(EventIds.FollowerApplyFailed, LogLevel.Warning, "{Followed} delta to version {Version} could not be applied; the served version stays until the next check")]
        public static partial void ApplyFailed(ILogger logger, string followed, long version, Exception exception);

        [LoggerMessage(EventIds.FollowerRepaired, LogLevel.Debug, "The {Followed} version check found this silo behind; now serving version {Version}")]
        public static partial void Repaired(ILogger logger, string followed, long version);

        [LoggerMessage(EventIds.FollowerCheckFailed, LogLevel.Warning, "The {Followed} version check failed; serving the last applied version")]
        public static partial void CheckFailed(ILogger logger, string followed, Exception exception);

        [LoggerMessage(EventIds.FollowerUnsubscribeFailed, LogLevel.Warning, "Could not unsubscribe from the {Followed} stream")]
        public static partial void UnsubscribeFailed(ILogger logger, string followed, Exception exception);

        [LoggerMessage(EventIds.FollowerResubscribeFailed, LogLevel.Warning, "{Followed}: subscribing again failed ({Reason}); version checks keep this silo current")]
        public static partial void ResubscribeFailed(ILogger logger, string followed, string reason);

        [LoggerMessage(EventIds.FollowerRetry, LogLevel.Warning, "{Followed}: could not {What}; retrying in {Delay}")]
        public static partial void RetryLater(ILogger logger, string followed, string what, TimeSpan delay, Exception exception);
    }
}

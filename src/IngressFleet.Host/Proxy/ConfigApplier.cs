using IngressFleet.Model;

namespace IngressFleet.Proxy;

/// <summary>What became of a delta offered to the <see cref="ConfigApplier"/>.</summary>
public enum DeltaOutcome
{
    /// <summary>It followed the served version and was applied.</summary>
    Applied,

    /// <summary>It was not newer than the served version (a duplicate, or covered by a snapshot).</summary>
    Ignored,

    /// <summary>It did not follow the served version (an event was lost, or it had no payload): a snapshot was applied.</summary>
    SnapshotApplied,
}

/// <summary>
/// Applies config versions to a <see cref="DataPlane"/> strictly in order: a delta is applied only on top
/// of the version it was made from; anything else makes it fetch the whole snapshot. Serialises all
/// appliers, so stream deliveries and anti-entropy checks can call it from any thread.
/// </summary>
public sealed class ConfigApplier(DataPlane dataPlane, Func<CancellationToken, Task<RoutingConfig>> fetchSnapshot) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _synced;

    /// <summary>The newest version the control plane was seen to have.</summary>
    public long ControlPlaneVersion { get; private set; }

    /// <summary>True once a snapshot was fetched and no version newer than the served one is known.</summary>
    public bool IsCurrent => _synced && dataPlane.Current.Version >= ControlPlaneVersion;

    public async Task<DeltaOutcome> ApplyAsync(ConfigDelta delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delta);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ControlPlaneVersion = Math.Max(ControlPlaneVersion, delta.Version);
            var current = dataPlane.Current.Config;
            if (delta.Version <= current.Version)
            {
                return DeltaOutcome.Ignored;
            }

            if (current.TryApply(delta) is { } next)
            {
                dataPlane.Apply(next, delta.Change);
                return DeltaOutcome.Applied;
            }

            await ApplySnapshotAsync(cancellationToken);
            return DeltaOutcome.SnapshotApplied;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Fetches the snapshot and applies it if it is newer than the served version.</summary>
    /// <returns>The version served afterwards.</returns>
    public async Task<long> SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ApplySnapshotAsync(cancellationToken);
            return dataPlane.Current.Version;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records the control plane's version, as learned by a cheap version check.</summary>
    public void ObserveControlPlaneVersion(long version) => ControlPlaneVersion = Math.Max(ControlPlaneVersion, version);

    public void Dispose() => _gate.Dispose();

    private async Task ApplySnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = await fetchSnapshot(cancellationToken);
        ControlPlaneVersion = Math.Max(ControlPlaneVersion, snapshot.Version);
        if (snapshot.Version > dataPlane.Current.Version)
        {
            dataPlane.Apply(snapshot, change: null);
        }

        _synced = true;
    }
}

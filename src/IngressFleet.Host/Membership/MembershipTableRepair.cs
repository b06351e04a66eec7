using System.Diagnostics.Metrics;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Telemetry;
using IngressFleet.Distribution.Config;
using IngressFleet.Host.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IngressFleet.Host.Membership;

/// <summary>
/// Watches the fleet's membership table in Redis and re-registers this silo when the table is gone. Orleans
/// writes the table's version row once, at start-up: after Redis loses its data (restarted empty, failed over
/// to an empty replica, <c>FLUSHALL</c>) every read fails ("the Redis membership table version is missing")
/// and every silo's heartbeat with it, so no silo could join, leave or be declared dead until every silo was
/// restarted. Every few seconds this reads the table and keeps a copy of its rows as stored; when the
/// version row is missing, the first silo to notice writes the copy back in one step (only if the version
/// row is still absent), numbered above the version every silo has seen. Both halves matter: Orleans ignores
/// a table older than its view (a table restarting at 0 would leave deaths unseen until it caught up), and
/// stops a silo that a newer table lacks (rows inserted one by one would stop the silos not yet written).
/// Silos this silo knows to be active whose rows the copy lacks (they joined after it was taken) are inserted
/// right after, and any silo still missing inserts its own. Also the source of the control plane's store health in the
/// fleet view, readiness detail and the <c>ingressfleet.control_plane.store_available</c> gauge.
/// </summary>
internal sealed partial class MembershipTableRepair : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    // Above any version a silo may have seen since the copy was taken (membership changes in a few seconds).
    private const long VersionMargin = 100;

    private const string VersionField = "Version";

    private readonly IServiceProvider _services;
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _silo;
    private readonly ConfigFollower _config;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MembershipTableRepair> _logger;
    private readonly DateTimeOffset _started;
    private HashEntry[]? _copy;

    public MembershipTableRepair(
        IServiceProvider services,
        IClusterMembershipService membership,
        ILocalSiloDetails silo,
        ConfigFollower config,
        IOptions<FleetOptions> options,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<MembershipTableRepair> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        (_services, _membership, _silo, _config, _options, _time, _logger) = (services, membership, silo, config, options.Value, time, logger);
        _started = time.GetUtcNow();
        var meter = meters.Create(FleetTelemetry.Name);
        meter.CreateObservableGauge("ingressfleet.control_plane.store_available", () => Store.Available ? 1 : 0, "{bool}", "1 while the control plane's store (Redis) answers and holds the membership table; 0 while it does not (the config in force keeps serving).");
        meter.CreateObservableGauge(
            "ingressfleet.control_plane.last_commit_age",
            () => _config.LastStatus?.LastCommitAt is { } at ? (_time.GetUtcNow() - at).TotalSeconds : 0,
            "s",
            "How long ago a source last committed to the config grain (a change or a sync); 0 before the first.");
    }

    /// <summary>What the last check found.</summary>
    public StoreHealth Store { get; private set; } = StoreHealth.Unchecked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Cluster != ClusterMode.Redis)
        {
            return;
        }

        var table = _services.GetRequiredService<IMembershipTable>();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(SiloSetup.RedisOptions(_options));
        var db = redis.GetDatabase();
        RedisKey key = $"{_options.ClusterId}/members/{_options.ClusterId}";
        var self = _silo.SiloAddress.ToString();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(CheckEvery, _time, stoppingToken);
            try
            {
                var rows = await db.HashGetAllAsync(key);
                if (rows.Any(r => r.Name == VersionField))
                {
                    _copy = rows;
                    var present = rows.Any(r => r.Name == self);
                    Store = Store with { Reachable = true, TablePresent = present, Error = null, CheckedAt = _time.GetUtcNow() };
                    if (!present)
                    {
                        await RegisterAsync(table, stoppingToken);
                    }

                    continue;
                }

                Store = Store with { Reachable = true, TablePresent = false, Error = "the membership table's version row is missing", CheckedAt = _time.GetUtcNow() };
                await RepairAsync(table, db, key, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Store = Store with { Reachable = false, Error = $"{e.GetType().Name}: {e.Message}", CheckedAt = _time.GetUtcNow() };
            }
        }
    }

    private async Task RepairAsync(IMembershipTable table, IDatabase db, RedisKey key, CancellationToken cancellationToken)
    {
        try
        {
            Log.Repairing(_logger, Store.Error ?? "the membership table is missing");
            if (_copy is { } copy && long.TryParse(copy.First(r => r.Name == VersionField).Value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                var restore = db.CreateTransaction();
                restore.AddCondition(Condition.HashNotExists(key, VersionField));
                _ = restore.HashSetAsync(key, [.. copy.Where(r => r.Name != VersionField), new HashEntry(VersionField, version + VersionMargin)]);
                if (await restore.ExecuteAsync())
                {
                    Log.Restored(_logger, copy.Length - 1, version + VersionMargin);
                    var copied = copy.Select(r => r.Name.ToString()).ToHashSet(StringComparer.Ordinal);
                    foreach (var member in _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active && !copied.Contains(m.SiloAddress.ToString())))
                    {
                        await InsertAsync(table, member.SiloAddress, member.Name, cancellationToken);
                    }

                    await ActivateAsync(table, cancellationToken);
                }
            }
            else
            {
                // No copy yet (this silo only just started): the table as Orleans creates it at start-up.
                await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken);
            }

            await RegisterAsync(table, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RepairFailed(_logger, e.GetType().Name, e.Message);
        }
    }

    /// <summary>
    /// Marks active the rows the copy holds in an earlier state (a silo that was still joining when the copy
    /// was taken) of silos this silo knows to be active: Orleans would otherwise leave them joining for good.
    /// </summary>
    private async Task ActivateAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        var active = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            var stale = data.Members.FirstOrDefault(m => m.Item1.Status != SiloStatus.Active && active.Contains(m.Item1.SiloAddress));
            if (stale is null)
            {
                return;
            }

            stale.Item1.Status = SiloStatus.Active;
            stale.Item1.IAmAliveTime = _time.GetUtcNow().UtcDateTime;
            await table.UpdateRowAsync(stale.Item1, stale.Item2, data.Version.Next(), cancellationToken);
        }
    }

    /// <summary>Inserts this silo's row, active, unless it is there.</summary>
    private async Task RegisterAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        var version = await InsertAsync(table, _silo.SiloAddress, _silo.Name, cancellationToken, _silo.GatewayAddress?.Endpoint.Port ?? 0);
        Store = Store with { TablePresent = true, Repairs = Store.Repairs + 1 };
        Log.Registered(_logger, _silo.SiloAddress.ToString(), version);
    }

    /// <summary>Inserts an active row for <paramref name="silo"/> unless it is there; a concurrent insert by another silo is retried.</summary>
    /// <returns>The table version once the row is there.</returns>
    private async Task<int> InsertAsync(IMembershipTable table, SiloAddress silo, string? name, CancellationToken cancellationToken, int proxyPort = 0)
    {
        for (var attempt = 0; ; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            if (attempt == 10 || data.Members.Any(m => m.Item1.SiloAddress.Equals(silo)))
            {
                return data.Version.Version;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            var entry = new MembershipEntry
            {
                SiloAddress = silo,
                SiloName = name ?? silo.ToString(),
                HostName = _silo.DnsHostName,
                Status = SiloStatus.Active,
                ProxyPort = proxyPort,
                StartTime = silo.Equals(_silo.SiloAddress) ? _started.UtcDateTime : now,
                IAmAliveTime = now,
            };
            await table.InsertRowAsync(entry, data.Version.Next(), cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.MembershipTableRepairRepairing, LogLevel.Warning, "The fleet's membership table in Redis is gone ({Reason}); creating it again and re-registering this silo")]
        public static partial void Repairing(ILogger logger, string reason);

        [LoggerMessage(EventIds.MembershipTableRepairRestored, LogLevel.Warning, "Wrote the membership table back from this silo's copy: {Rows} rows, table version {Version}")]
        public static partial void Restored(ILogger logger, int rows, long version);

        [LoggerMessage(EventIds.MembershipTableRepairRegistered, LogLevel.Information, "Silo {Silo} is registered in the membership table again (table version {Version})")]
        public static partial void Registered(ILogger logger, string silo, int version);

        [LoggerMessage(EventIds.MembershipTableRepairFailed, LogLevel.Warning, "Re-creating the membership table failed, retrying: {Error}: {Reason}")]
        public static partial void RepairFailed(ILogger logger, string error, string reason);
    }
}

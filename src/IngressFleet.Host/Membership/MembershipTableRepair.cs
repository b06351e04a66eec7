using System.Diagnostics.Metrics;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Telemetry;
using IngressFleet.Distribution.Config;
using IngressFleet.Host.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;

namespace IngressFleet.Host.Membership;

/// <summary>
/// Watches the fleet's membership table in Redis and re-registers this silo when the table is gone. Orleans
/// writes the table's version row once, at start-up: after Redis loses its data (restarted empty, failed over
/// to an empty replica, <c>FLUSHALL</c>) every read fails ("the Redis membership table version is missing")
/// and every silo's heartbeat with it, so no silo could join, leave or be declared dead until every silo was
/// restarted. Every few seconds this reads the table; when the version row is missing it creates it again
/// (the call Orleans makes at start-up, which writes version 0 only if the row is absent) and inserts this
/// silo's own row, as every other silo does for itself. The table restarts below the version every silo's
/// view has, so silos keep their views (a newer table without them would make them stop) until membership
/// changes carry it past them; see docs/fleet.md for what that leaves open. Also the source of the control plane's store health in the
/// fleet view, readiness detail and the <c>ingressfleet.control_plane.store_available</c> gauge.
/// </summary>
internal sealed partial class MembershipTableRepair : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private readonly IServiceProvider _services;
    private readonly ILocalSiloDetails _silo;
    private readonly ConfigFollower _config;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MembershipTableRepair> _logger;
    private readonly DateTimeOffset _started;

    public MembershipTableRepair(
        IServiceProvider services,
        ILocalSiloDetails silo,
        ConfigFollower config,
        IOptions<FleetOptions> options,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<MembershipTableRepair> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        (_services, _silo, _config, _options, _time, _logger) = (services, silo, config, options.Value, time, logger);
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
            Store = StoreHealth.InMemory;
            return;
        }

        var table = _services.GetRequiredService<IMembershipTable>();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(CheckEvery, _time, stoppingToken);
            try
            {
                var data = await table.ReadAllAsync(stoppingToken);
                Store = Store with { Reachable = true, TablePresent = data.Members.Any(m => m.Item1.SiloAddress.Equals(_silo.SiloAddress)), Error = null, CheckedAt = _time.GetUtcNow() };
                if (!Store.TablePresent)
                {
                    await RegisterAsync(table, stoppingToken);
                }
            }
            catch (RedisClusteringException e)
            {
                Store = Store with { Reachable = true, TablePresent = false, Error = e.Message, CheckedAt = _time.GetUtcNow() };
                await RepairAsync(table, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Store = Store with { Reachable = false, Error = $"{e.GetType().Name}: {e.Message}", CheckedAt = _time.GetUtcNow() };
            }
        }
    }

    private async Task RepairAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        try
        {
            Log.Repairing(_logger, Store.Error ?? "the membership table is missing");
            await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken);
            await RegisterAsync(table, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.RepairFailed(_logger, e.GetType().Name, e.Message);
        }
    }

    /// <summary>Inserts this silo's row, active, unless it is there; a concurrent insert by another silo is retried.</summary>
    private async Task RegisterAsync(IMembershipTable table, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            if (data.Members.Any(m => m.Item1.SiloAddress.Equals(_silo.SiloAddress)))
            {
                Store = Store with { TablePresent = true, Repairs = Store.Repairs + 1 };
                Log.Registered(_logger, _silo.SiloAddress.ToString(), data.Version.Version);
                return;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            var entry = new MembershipEntry
            {
                SiloAddress = _silo.SiloAddress,
                SiloName = _silo.Name,
                HostName = _silo.DnsHostName,
                Status = SiloStatus.Active,
                ProxyPort = _silo.GatewayAddress?.Endpoint.Port ?? 0,
                StartTime = _started.UtcDateTime,
                IAmAliveTime = now,
            };
            await table.InsertRowAsync(entry, data.Version.Next(), cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.MembershipTableRepairRepairing, LogLevel.Warning, "The fleet's membership table in Redis is gone ({Reason}); creating it again and re-registering this silo")]
        public static partial void Repairing(ILogger logger, string reason);

        [LoggerMessage(EventIds.MembershipTableRepairRegistered, LogLevel.Information, "Silo {Silo} is registered in the membership table again (table version {Version})")]
        public static partial void Registered(ILogger logger, string silo, int version);

        [LoggerMessage(EventIds.MembershipTableRepairFailed, LogLevel.Warning, "Re-creating the membership table failed, retrying: {Error}: {Reason}")]
        public static partial void RepairFailed(ILogger logger, string error, string reason);
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.DataPlane.Admission;
using IngressFleet.DataPlane.State;
using IngressFleet.DataPlane.Tls;
using IngressFleet.Distribution.Config;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Fleet;
using IngressFleet.Grains.Contracts.Limits;
using IngressFleet.Grains.Contracts.Migration;
using IngressFleet.Grains.Contracts.SourceLeases;
using IngressFleet.Host.Membership;
using IngressFleet.Sources.Publishing;
using Orleans.Runtime;

namespace IngressFleet.Host.Admin;

/// <summary>
/// The admin API (JSON, on its own port): health, the served config version, routes, backends, and every
/// rejected object and conflict with its reasons. Lists no secret material.
/// </summary>
internal static class AdminApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Problems listed per page of <c>/api/v1/problems</c> unless <c>limit</c> says otherwise (at most ten times this).</summary>
    private const int ProblemsPage = 100;

    /// <summary>How long the fleet view waits for the control plane before answering 503.</summary>
    private static readonly TimeSpan FleetViewTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Reasons listed per problem; the rest are counted.</summary>
    private const int MaxReasons = 20;

    /// <summary>200 while the process runs: the liveness probe.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>200 when this silo serves the control plane's current version: the readiness probe.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>Serves the admin API and the Prometheus scrape on <paramref name="port"/> only.</summary>
    public static void MapOnPort(WebApplication app, int port) =>
        app.MapWhen(
            context => context.Connection.LocalPort == port,
            admin =>
            {
                // Scrapes and health probes are not traffic: their server spans are never exported.
                admin.Use((context, next) =>
                {
                    // Answers carry what Ingresses say (names, reasons, annotation values): never sniffed into markup.
                    context.Response.Headers.XContentTypeOptions = "nosniff";
                    if (Activity.Current is { } activity)
                    {
                        activity.IsAllDataRequested = false;
                        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                    }

                    return next(context);
                });
                admin.UseRouting();
                admin.UseEndpoints(endpoints =>
                {
                    Map(endpoints);
                    FleetPage.Map(endpoints);
                    endpoints.MapPrometheusScrapingEndpoint("/metrics");
                });
            });

    private static object Describe(StoreHealth store) => new
    {
        reachable = store.Reachable,
        membershipTable = store.TablePresent ? "present" : "missing",
        error = store.Error,
        checkedAt = store.CheckedAt,
        repairs = store.Repairs,
    };

    /// <summary>A text as listed: at most 1,000 characters.</summary>
    private static string Cut(string text) => text.Length <= 1000 ? text : string.Concat(text.AsSpan(0, 1000), "...");

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LivePath, () => Results.Json(new { status = "live" }, Json));
        endpoints.MapGet(ReadyPath, (Readiness readiness, SourceInput source, MembershipTableRepair store) =>
        {
            // Static stability: a silo serving a valid table stays ready while the control plane is down; the
            // details say why anything is amiss.
            var (ready, reason) = readiness.Check();
            return Results.Json(
                new { status = ready ? "ready" : "not ready", reason, source = source.Detail(), controlPlane = store.Store.Detail },
                Json,
                statusCode: ready ? 200 : 503);
        });

        endpoints.MapGet("/api/v1/status", (ConfigInForce inForce, ConfigFollower config) =>
        {
            var state = inForce.Current;
            return Results.Json(
                new
                {
                    version = state.Version,
                    controlPlaneVersion = config.Follower.KnownVersion,
                    appliedAt = state.Version == 0 ? (DateTimeOffset?)null : state.AppliedAt,
                    ingresses = state.Config.Ingresses.Values.Count(i => !i.IsGlobalDefault),
                    routes = state.Routes.Entries.Length,
                    backends = state.Backends.Count,
                    rejected = state.Config.Problems.Values.Count(p => p.IsRejected),
                    warnings = state.Config.Problems.Values.Count(p => !p.Warnings.IsEmpty),
                    conflicts = state.Routes.Conflicts.Length,
                },
                Json);
        });

        endpoints.MapGet("/api/v1/fleet", async (IClusterClient client, TimeProvider time, MembershipTableRepair store) =>
        {
            var management = client.GetGrain<IManagementGrain>(0);
            var statusTask = client.GetGrain<IConfigGrain>(ControlPlaneNames.FleetKey).GetStatusAsync();
            var leaseTask = client.GetGrain<ISourceLeaseGrain>(ControlPlaneNames.FleetKey).GetAsync();
            var reportsTask = client.GetGrain<IFleetGrain>(ControlPlaneNames.FleetKey).GetReportsAsync();
            var hostsTask = management.GetHosts(onlyActive: true);
            ControlPlaneStatus status;
            SourceLease? lease;
            IReadOnlyList<SiloReportEntry> reports;
            Dictionary<SiloAddress, SiloStatus> hosts;
            try
            {
                // Bounded: a grain on a silo that just died answers only once the silo is declared dead.
                await Task.WhenAll(statusTask, leaseTask, reportsTask, hostsTask).WaitAsync(FleetViewTimeout, time);
                (status, lease, reports, hosts) = (await statusTask, await leaseTask, await reportsTask, await hostsTask);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Right after a silo dies its grains are briefly unreachable, and after the store lost its data the
                // membership table is briefly missing: 503 with the reason, never 500; this silo still serves its last version.
                return Results.Json(
                    new { error = $"the control plane is not reachable right now: {e.GetType().Name}: {e.Message}", store = Describe(store.Store) },
                    Json,
                    statusCode: 503);
            }

            var now = time.GetUtcNow();
            var live = hosts.Keys.Select(k => k.ToString()).ToHashSet(StringComparer.Ordinal);
            var silos = reports
                .Where(r => live.Contains(r.Report.Silo))
                .Select(r => new
                {
                    silo = r.Report.Silo,
                    name = r.Report.Name,
                    httpPort = r.Report.HttpPort,
                    adminPort = r.Report.AdminPort,
                    appliedVersion = r.Report.AppliedVersion,
                    current = r.Report.AppliedVersion == status.Version,
                    ready = r.Report.Ready,
                    draining = r.Report.Draining,
                    runsSource = r.Report.RunsSource,
                    hostsConfigGrain = r.Report.Silo == status.Silo,
                    lastReportAgeMs = (long)(now - r.ReceivedAt).TotalMilliseconds,
                    requestsPerSecond = Math.Round(r.Report.RequestsPerSecond, 1),
                    inFlight = r.Report.InFlight,
                })
                .ToList();
            var unreported = live.Where(s => reports.All(r => r.Report.Silo != s)).Order(StringComparer.Ordinal).ToList();
            return Results.Json(
                new
                {
                    controlPlane = new
                    {
                        version = status.Version,
                        sourceSynced = status.SourceSynced,
                        sourceTerm = status.SourceTerm,
                        configGrainSilo = status.Silo,
                        sourceHolder = lease is { Granted: true } ? lease.Holder : null,
                        sourceLeaseTerm = lease?.Term,
                        lastCommitAgeMs = status.LastCommitAt is { } at ? (long?)(now - at).TotalMilliseconds : null,
                        store = Describe(store.Store),
                    },
                    silos,
                    unreportedSilos = unreported,
                    timeline = FleetTimeline.Of(status.RecentCommits, reports.Where(r => live.Contains(r.Report.Silo)).Select(r => r.Report).ToList(), unreported.Count),
                },
                Json);
        });

        endpoints.MapGet("/api/v1/routes", (ConfigInForce inForce) =>
        {
            var state = inForce.Current;
            var routes = state.Routes.Entries
                .Select(e => new
                {
                    host = e.Host ?? "*",
                    path = e.Path,
                    pathType = e.Match,
                    backend = e.BackendKey,
                    ingress = e.Ingress,
                    canary = e.Canary is { } c ? new { backend = c.Entry.BackendKey, ingress = c.Entry.Ingress, header = c.Policy.Header, cookie = c.Policy.Cookie, weight = c.Policy.Weight, weightTotal = c.Policy.WeightTotal } : null,
                })
                .ToList();
            var defaultBackend = state.Routes.DefaultBackend is { } d ? new { backend = d.BackendKey, ingress = d.Ingress } : null;
            return Results.Json(new { version = state.Version, routes, defaultBackend }, Json);
        });

        endpoints.MapGet("/api/v1/backends", (ConfigInForce inForce) =>
        {
            var state = inForce.Current;
            var backends = state.Config.Backends.Values
                .OrderBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => new
                {
                    backend = b.Key,
                    service = $"{b.Backend.Namespace}/{b.Backend.Service}",
                    port = b.Backend.PortNumber > 0 ? b.Backend.PortNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : b.Backend.PortName,
                    endpoints = b.Destinations.Select(d => d.ToString()).ToList(),
                    problem = b.Problem ?? (b.Destinations.IsEmpty ? "no ready endpoints" : null),
                })
                .ToList();
            return Results.Json(new { version = state.Version, backends }, Json);
        });

        endpoints.MapGet("/api/v1/certificates", (ConfigInForce inForce, TimeProvider time) =>
        {
            // Hosts, validity and fingerprint only: key material never leaves the data plane.
            var state = inForce.Current;
            var now = time.GetUtcNow();
            var table = state.Certificates;
            object Describe(ServerCertificate certificate, string? secret) => new
            {
                secret,
                hosts = secret is not null && table.HostsBySecret.TryGetValue(secret, out var hosts) ? hosts : [],
                subject = certificate.Leaf.Subject,
                dnsNames = certificate.Source?.DnsNames ?? [],
                notBefore = new DateTimeOffset(certificate.Leaf.NotBefore.ToUniversalTime()),
                notAfter = new DateTimeOffset(certificate.Leaf.NotAfter.ToUniversalTime()),
                sha256Fingerprint = certificate.Leaf.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
                expiresSoon = certificate.Leaf.NotAfter.ToUniversalTime() - now.UtcDateTime < CertificateTranslator.ExpiryWarning,
            };
            var certificates = table.BySecret
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => Describe(p.Value, p.Key))
                .ToList();
            var defaultCertificate = Describe(table.Default, table.Default.Source?.Key);
            return Results.Json(new { version = state.Version, defaultCertificate, certificates }, Json);
        });

        endpoints.MapGet("/api/v1/health", (ConfigInForce inForce) =>
        {
            // Every destination with the fleet's verdict: who decided it, when, and until when; and how the Ingresses
            // that send to it balance (the policy is an Ingress's, so a backend may have more than one).
            var state = inForce.Current;
            var policies = state.Config.Ingresses.Values
                .SelectMany(i => i.Rules.Select(r => r.Backend).Concat(i.DefaultBackend is null ? [] : [i.DefaultBackend]).Select(b => (b.Key, Policy: i.Options.Traffic.LoadBalancing.ToString())))
                .GroupBy(x => x.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(x => x.Policy).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            var backends = state.Backends
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p =>
                {
                    var health = state.Health.Backends.GetValueOrDefault(p.Key);
                    var ejected = health?.Ejected.ToDictionary(e => e.Destination, StringComparer.Ordinal) ?? [];
                    return new
                    {
                        backend = p.Key,
                        loadBalancing = policies.GetValueOrDefault(p.Key) ?? [],
                        prober = health?.Prober,
                        activeCheck = p.Value.Endpoints.Health.Active,
                        panic = p.Value.Panic,
                        destinations = Enumerable.Range(0, p.Value.Count).Select(i =>
                        {
                            var address = p.Value.Address(i);
                            var verdict = ejected.GetValueOrDefault(address);
                            return new
                            {
                                destination = address,
                                healthy = verdict is null,
                                inFlightHere = p.Value.InFlight(i),
                                reason = verdict?.Reason,
                                decidedBy = verdict?.DecidedBy,
                                since = verdict?.Since,
                                until = verdict?.Until,
                            };
                        }).ToList(),
                    };
                })
                .ToList();
            return Results.Json(new { healthVersion = state.Health.Version, backends }, Json);
        });

        endpoints.MapGet("/api/v1/limits", async (ConfigInForce inForce, IClusterClient client) =>
        {
            // Every fleet-wide limit the config sets, with each silo's lease as the limit's grain sees it.
            var state = inForce.Current;
            var keys = state.Config.Ingresses.Values.SelectMany(i =>
                (i.Options.ConnectionLimit is null ? [] : i.Backends.Select(b => AdmissionControl.ConnectionKey(i.Key, b.Key)).Distinct())
                .Concat(i.Options.RateLimit is null ? [] : [AdmissionControl.RateKey(i.Key)]))
                .Order(StringComparer.Ordinal)
                .ToList();
            async Task<object> ViewAsync(string key)
            {
                try
                {
                    var v = await client.GetGrain<ILimitGrain>(key).GetAsync().WaitAsync(TimeSpan.FromSeconds(5));
                    return new
                    {
                        key = v.Key,
                        grainSilo = v.GrainSilo,
                        limit = v.Limit,
                        used = v.Holdings.Sum(h => h.InUse),
                        granted = v.Holdings.Sum(h => h.Granted),
                        rejected = v.Holdings.Sum(h => h.Rejected),
                        leases = v.Holdings.Select(h => new { silo = h.Silo, granted = h.Granted, inUse = h.InUse, demand = h.Demand, rejected = h.Rejected, expiresAt = h.ExpiresAt }),
                    };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The grain's silo just died, say: the others are still worth showing.
                    return new { key, error = e.Message };
                }
            }

            async Task<object> ClientViewAsync(IngressRoutes ingress)
            {
                var key = AdmissionControl.ClientKey(ingress.Key);
                var limit = ingress.Options.ClientLimit!;
                try
                {
                    var v = await client.GetGrain<IClientLimitGrain>(key).GetAsync().WaitAsync(TimeSpan.FromSeconds(5));
                    return new
                    {
                        key,
                        grainSilo = v.GrainSilo,
                        requestsPerSecond = limit.RequestsPerSecond,
                        requestsPerMinute = limit.RequestsPerMinute,
                        connections = limit.Connections,
                        burstMultiplier = limit.BurstMultiplier,
                        clients = v.Clients,
                        sharedClients = v.SharedClients,
                    };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return new { key, error = e.Message };
                }
            }

            var perClient = state.Config.Ingresses.Values.Where(i => i.Options.ClientLimit is not null).OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
            return Results.Json(new { limits = await Task.WhenAll(keys.Select(ViewAsync)), clientLimits = await Task.WhenAll(perClient.Select(ClientViewAsync)) }, Json);
        });

        endpoints.MapGet("/api/v1/migration", async (IClusterClient client, string? format) =>
        {
            // The migration report of the running config, made by the silo that runs the source (only it holds the
            // annotations as written); the same report as migrate-check's, from the committed translation itself.
            if (format is not (null or "json" or "markdown"))
            {
                return Results.Json(new { error = "format must be json or markdown" }, Json, statusCode: 400);
            }

            try
            {
                var view = await client.GetGrain<IMigrationViewGrain>(ControlPlaneNames.FleetKey).GetAsync(format ?? "json").WaitAsync(TimeSpan.FromSeconds(30));
                if (view is null)
                {
                    return Results.Json(new { error = "no silo has committed the source's config yet" }, Json, statusCode: 503);
                }

                return Results.Text(view.Text, view.Format == "json" ? "application/json" : "text/markdown", System.Text.Encoding.UTF8);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Json(new { error = $"the source holder did not answer: {e.Message}" }, Json, statusCode: 503);
            }
        });

        endpoints.MapGet("/api/v1/problems", (ConfigInForce inForce, int? limit, string? after) =>
        {
            // Paged by object key (limit, then after=next), each text cut, so no input can make this answer huge.
            var state = inForce.Current;
            var size = Math.Clamp(limit ?? ProblemsPage, 1, ProblemsPage * 10);
            var page = state.Config.Problems.Values
                .Where(p => after is null || string.CompareOrdinal(p.Key, after) > 0)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Take(size + 1)
                .ToList();
            var next = page.Count > size ? page[size - 1].Key : null;
            page = page.Take(size).ToList();
            object Describe(ObjectProblem p, ImmutableArray<string> texts) => new
            {
                kind = p.Kind,
                @namespace = p.Namespace.Length == 0 ? null : p.Namespace,
                name = Cut(p.Name),
                source = Cut(p.Source),
                reasons = texts.Take(MaxReasons).Select(Cut).Concat(texts.Length > MaxReasons ? [$"... and {texts.Length - MaxReasons} more"] : []),
            };
            var rejected = page.Where(p => p.IsRejected).Select(p => Describe(p, p.Reasons)).ToList();
            var warnings = page.Where(p => !p.Warnings.IsEmpty).Select(p => Describe(p, p.Warnings)).ToList();
            var conflicts = state.Routes.Conflicts
                .Take(size)
                .Select(c => new { host = c.Host, path = Cut(c.Path), pathType = c.Match, winner = c.Winner, loser = c.Loser, reason = c.Reason })
                .ToList();
            return Results.Json(new { version = state.Version, total = state.Config.Problems.Count, next, rejected, warnings, conflicts }, Json);
        });
    }
}

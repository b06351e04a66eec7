using System.Net;
using IngressFleet.Config;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace IngressFleet.Hosting;

/// <summary>The Orleans side of the process, for each <see cref="ClusterMode"/>: one code path, two kinds of storage.</summary>
internal static class SiloSetup
{
    /// <summary>
    /// Failure detection for a fleet: a silo that misses 2 probes of 1 s is declared dead on one vote, so a
    /// SIGKILLed silo is out of the membership in 1–3 s on a LAN (Orleans' defaults take 10–15 s). The price:
    /// a silo stalled for ~2 s (a long GC pause, CPU starvation) is declared dead too, and must restart to rejoin.
    /// </summary>
    public static void ConfigureFastFailureDetection(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = TimeSpan.FromSeconds(1);
        membership.NumMissedProbesLimit = 2;
        membership.NumVotesForDeathDeclaration = 1;
        membership.NumProbedSilos = 2;
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }

    public static void Configure(ISiloBuilder silo, IngressFleetOptions options)
    {
        silo.Configure<SiloOptions>(o => o.SiloName = options.EffectiveName);

        // Grain calls carry the caller's trace context, so a traced config change stays one trace across silos.
        silo.AddActivityPropagation();
        if (options.Cluster == ClusterMode.Standalone)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ClusterId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorage(ConfigStreamNames.StorageName);
            silo.AddMemoryGrainStorage(ConfigStreamNames.PubSubStorageName);
        }
        else
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ClusterId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertiseAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(options));
            foreach (var storage in new[] { ConfigStreamNames.StorageName, ConfigStreamNames.PubSubStorageName })
            {
                silo.AddRedisGrainStorage(storage, (OptionsBuilder<RedisStorageOptions> redis) => redis.Configure<Serializer>((o, serializer) =>
                {
                    o.ConfigurationOptions = RedisOptions(options);
                    o.DeleteStateOnClear = true;

                    // Orleans' own serializer, driven by the [Id]s of our state types; the default JSON one
                    // would also store computed properties and fail to read them back.
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            }
            silo.Configure<ClusterMembershipOptions>(ConfigureFastFailureDetection);

            if (RunsInPod())
            {
                // Silo identity from the downward API, the pod labels Orleans keys on, and a watch of the
                // fleet's pods that declares a silo dead as soon as its pod is deleted.
                silo.UseKubernetesHosting();
            }
        }

        // One stream needs one queue; its pulling agent polls every 20 ms instead of the default 100 ms,
        // which bounds the stream's share of the propagation delay at the cost of a cheap in-memory poll.
        silo.AddMemoryStreams(ConfigStreamNames.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(1);
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
        });
    }

    /// <summary>In a pod with the downward-API variables the Deployment sets (and a service account to read pods with).</summary>
    private static bool RunsInPod() =>
        k8s.KubernetesClientConfiguration.IsInCluster()
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAMESPACE"));

    private static ConfigurationOptions RedisOptions(IngressFleetOptions options)
    {
        var redis = ConfigurationOptions.Parse(options.Redis!);

        // Keep retrying while Redis starts or restarts instead of failing the silo.
        redis.AbortOnConnectFail = false;
        return redis;
    }
}

using System.Net;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace IngressFleet.Host.Hosting;

/// <summary>The Orleans side of the process, for each <see cref="ClusterMode"/>: one code path, two kinds of storage.</summary>
internal static class SiloSetup
{
    /// <summary>Failure detection for a fleet: see <see cref="FleetOptions.ProbeTimeout"/>.</summary>
    public static void ConfigureFailureDetection(ClusterMembershipOptions membership, FleetOptions options)
    {
        membership.ProbeTimeout = options.ProbeTimeout;
        membership.NumMissedProbesLimit = options.NumMissedProbesLimit;
        membership.NumVotesForDeathDeclaration = options.NumVotesForDeathDeclaration;
        membership.NumProbedSilos = options.NumProbedSilos;
        membership.TableRefreshTimeout = options.MembershipTableRefreshTimeout;
    }

    public static void Configure(ISiloBuilder silo, FleetOptions options)
    {
        silo.Configure<SiloOptions>(o => o.SiloName = options.EffectiveName);

        // Grain calls carry the caller's trace context, so a traced config change stays one trace across silos.
        silo.AddActivityPropagation();
        silo.AddIncomingGrainCallFilter<StorageLossFilter>();
        if (options.Cluster == ClusterMode.Standalone)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ClusterId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorage(ControlPlaneNames.StorageName);
            silo.AddMemoryGrainStorage(ControlPlaneNames.PubSubStorageName);
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
            foreach (var storage in new[] { ControlPlaneNames.StorageName, ControlPlaneNames.PubSubStorageName })
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
            silo.Configure<ClusterMembershipOptions>(membership => ConfigureFailureDetection(membership, options));

            if (RunsInPod())
            {
                // Silo identity from the downward API, the pod labels Orleans keys on, and a watch of the
                // fleet's pods that declares a silo dead as soon as its pod is deleted.
                silo.UseKubernetesHosting();
            }
        }

        // One stream needs one queue; its pulling agent polls every StreamPollInterval (1 s). The stream is the
        // second path, behind the grains' pushes to each silo's observer, so a slow poll costs delay only when a
        // push was missed, while a fast one costs idle CPU on every silo.
        silo.AddMemoryStreams(ControlPlaneNames.ProviderName, streams =>
        {
            streams.ConfigurePartitioning(1);
            streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPollInterval));
        });
    }

    /// <summary>In a pod with the downward-API variables the Deployment sets (and a service account to read pods with).</summary>
    private static bool RunsInPod() =>
        k8s.KubernetesClientConfiguration.IsInCluster()
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAMESPACE"));

    internal static ConfigurationOptions RedisOptions(FleetOptions options)
    {
        var redis = ConfigurationOptions.Parse(options.Redis!);

        // Keep retrying while Redis starts or restarts instead of failing the silo.
        redis.AbortOnConnectFail = false;
        return redis;
    }
}

using IngressFleet.Hosting;
using IngressFleet.Proxy;
using Orleans.Runtime;

namespace IngressFleet.Admin;

/// <summary>
/// Whether this silo may take traffic: it is not draining, it is an active member of the cluster, a source
/// has synced the fleet's config, and this silo serves the control plane's current version.
/// </summary>
internal sealed class Readiness(ConfigSubscriber subscriber, DataPlane dataPlane, IClusterMembershipService membership, ILocalSiloDetails silo, GracefulShutdown shutdown)
{
    public (bool Ready, string Reason) Check()
    {
        if (shutdown.Draining)
        {
            return (false, "shutting down");
        }

        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return (false, "not an active member of the cluster");
        }

        if (subscriber.LastStatus is not { SourceSynced: true } status)
        {
            return (false, "no source has synced the fleet's config yet");
        }

        return subscriber.Applier.IsCurrent
            ? (true, $"serving the current config version {status.Version}")
            : (false, $"serving version {dataPlane.Current.Version}; the control plane has {subscriber.Applier.ControlPlaneVersion}");
    }
}

using IngressFleet.DataPlane.Proxy;
using IngressFleet.DataPlane.State;
using IngressFleet.Distribution.Config;

namespace IngressFleet.Host.Admin;

/// <summary>
/// Whether this silo may take traffic: it is not draining, it is an active member of the cluster, a source
/// has synced the fleet's config, and this silo serves the control plane's current version.
/// </summary>
internal sealed class Readiness(ConfigFollower config, ConfigInForce inForce, IClusterMembershipService membership, ILocalSiloDetails silo, IDrainSignal drain)
{
    public (bool Ready, string Reason) Check()
    {
        if (drain.Draining)
        {
            return (false, "shutting down");
        }

        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return (false, "not an active member of the cluster");
        }

        if (config.LastStatus is not { SourceSynced: true } status)
        {
            return (false, "no source has synced the fleet's config yet");
        }

        return config.IsCurrent
            ? (true, $"serving the current config version {status.Version}")
            : (false, $"serving version {inForce.Current.Version}; the control plane has {Math.Max(status.Version, config.Follower.KnownVersion)}");
    }
}

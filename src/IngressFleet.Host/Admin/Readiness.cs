using IngressFleet.Proxy;
using IngressFleet.Sources;

using Microsoft.Extensions.Options;

namespace IngressFleet.Admin;

/// <summary>Whether this silo may take traffic: it serves the control plane's current version, and its source (if any) has published.</summary>
internal sealed class Readiness(ConfigSubscriber subscriber, ConfigPublisher publisher, IOptions<Hosting.IngressFleetOptions> options)
{
    public (bool Ready, string Reason) Check()
    {
        if (options.Value.Manifests is not null && !publisher.HasPublished)
        {
            return (false, "the manifest source has not published its first view yet");
        }

        return subscriber.Applier.IsCurrent
            ? (true, "serving the current config version")
            : (false, $"serving version {subscriber.Applier.ControlPlaneVersion} is not yet applied");
    }
}

using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Certificates;
using IngressFleet.Grains.Contracts.Config;
using Orleans.Placement;

namespace IngressFleet.Grains.Certificates;

/// <summary>
/// One item of the config, written and read only by the config grain: placed beside it, so a commit of thousands of
/// items (a source's first sync) is local calls, not a message to another silo for two items in three.
/// </summary>
[PreferLocalPlacement]
internal sealed class CertificateGrain(
    [PersistentState("certificate", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<TlsCertificate>> state)
    : ConfigItemGrain<TlsCertificate>(state), ICertificateGrain;

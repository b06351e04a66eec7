using IngressFleet.Core.Model;
using IngressFleet.Grains.Config;
using IngressFleet.Grains.Contracts.Certificates;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Grains.Certificates;

internal sealed class CertificateGrain(
    [PersistentState("certificate", ControlPlaneNames.StorageName)] IPersistentState<ConfigItemState<TlsCertificate>> state)
    : ConfigItemGrain<TlsCertificate>(state), ICertificateGrain;

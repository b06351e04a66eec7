using IngressFleet.Model;

namespace IngressFleet.Certificates;

/// <summary>The certificate grain of one TLS Secret (key <c>namespace/name</c>): its validated certificate.</summary>
[Alias("ingressfleet.ICertificateGrain")]
public interface ICertificateGrain : Config.IConfigItemGrain<TlsCertificate>;

internal sealed class CertificateGrain(
    [PersistentState("certificate", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<TlsCertificate>> state)
    : Config.ConfigItemGrain<TlsCertificate>(state), ICertificateGrain;

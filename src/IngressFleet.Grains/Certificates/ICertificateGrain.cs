using IngressFleet.Model;

namespace IngressFleet.Certificates;

/// <summary>The certificate grain of one TLS Secret (key <c>namespace/name</c>): its validated certificate.</summary>
[Alias("ingressfleet.ICertificateGrain")]
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>Replaces the certificate; null when no Ingress refers to the Secret any more.</summary>
    [Alias("Set")]
    Task SetAsync(TlsCertificate? certificate);

    [Alias("Get")]
    Task<TlsCertificate?> GetAsync();
}

internal sealed class CertificateGrain(
    [PersistentState("certificate", Config.ConfigStreamNames.StorageName)] IPersistentState<Config.ConfigItemState<TlsCertificate>> state)
    : Config.ConfigItemGrain<TlsCertificate>(state), ICertificateGrain;

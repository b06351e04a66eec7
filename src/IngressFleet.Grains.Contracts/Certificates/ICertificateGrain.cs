using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Grains.Contracts.Certificates;

/// <summary>The certificate grain of one TLS Secret (key <c>namespace/name</c>): its validated certificate.</summary>
[Alias("ingressfleet.ICertificateGrain")]
public interface ICertificateGrain : IConfigItemGrain<TlsCertificate>;

using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Grains.Contracts.Ingresses;

/// <summary>The route grain of one Ingress (key <c>namespace/name</c>): its validated routes.</summary>
[Alias("ingressfleet.IIngressGrain")]
public interface IIngressGrain : IConfigItemGrain<IngressRoutes>;

namespace IngressFleet.Core.Model;

/// <summary>How a backend's destinations are judged healthy.</summary>
/// <param name="ServerErrorsAreFailures">5xx responses count as failures of passive health, besides connection failures and timeouts.</param>
/// <param name="Active">Probing, when configured.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthPolicy")]
public sealed record HealthPolicy(bool ServerErrorsAreFailures, HealthCheck? Active)
{
    public static HealthPolicy Default { get; } = new(ServerErrorsAreFailures: true, Active: null);
}

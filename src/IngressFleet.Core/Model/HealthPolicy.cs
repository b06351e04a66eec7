namespace IngressFleet.Core.Model;

/// <summary>How a backend's destinations are judged healthy.</summary>
/// <param name="ServerErrorsAreFailures">5xx responses count as failures of passive health, besides connection failures and timeouts. Off by default: clients can provoke 5xx, so they must not be able to make a destination look dead.</param>
/// <param name="Active">Probing, when configured.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.HealthPolicy")]
public sealed record HealthPolicy(bool ServerErrorsAreFailures, HealthCheck? Active)
{
    public static HealthPolicy Default { get; } = new(ServerErrorsAreFailures: false, Active: null);
}

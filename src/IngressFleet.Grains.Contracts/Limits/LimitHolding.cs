namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>One silo's holding of a limit, for the admin API.</summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.LimitHolding")]
public sealed record LimitHolding(string Silo, double Granted, double InUse, double Demand, DateTimeOffset ExpiresAt)
{
    /// <summary>Requests the silo has refused under this limit since it started holding it.</summary>
    [Id(0)]
    public long Rejected { get; init; }
}

namespace IngressFleet.Grains.Contracts.Limits;

/// <summary>
/// One fleet-wide limit (key <c>connections|ingress|backend</c> or <c>rate|ingress</c>): the number is held here
/// once for the fleet, and silos take leases on parts of it by demand, renewing them while they need them.
/// </summary>
[Alias("ingressfleet.ILimitGrain")]
public interface ILimitGrain : IGrainWithStringKey
{
    /// <summary>
    /// Renews <paramref name="silo"/>'s concurrency permits. <paramref name="inUse"/> are requests it has in
    /// flight now, <paramref name="need"/> those plus the queued ones, <paramref name="demand"/> that plus
    /// some headroom for what comes next. <paramref name="rejected"/> is how many requests the silo has refused under
    /// this limit so far (for the fleet view).
    /// </summary>
    [Alias("LeaseCounting")]
    Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand, long rejected);

    /// <summary>As <see cref="LeaseAsync(string, int, int, int, int, long)"/>, from a silo of the previous release (during a rolling upgrade).</summary>
    [Alias("Lease")]
    Task<PermitLease> LeaseAsync(string silo, int limit, int inUse, int need, int demand);

    /// <summary>Renews <paramref name="silo"/>'s share of a rate, by the rate it is asked for (<paramref name="demand"/> requests per second); <paramref name="rejected"/> as for leases.</summary>
    [Alias("ShareCounting")]
    Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand, long rejected);

    /// <summary>As <see cref="ShareAsync(string, double, int, double, long)"/>, from a silo of the previous release (during a rolling upgrade).</summary>
    [Alias("Share")]
    Task<RateShare> ShareAsync(string silo, double requestsPerSecond, int burst, double demand);

    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<LimitView> GetAsync();
}

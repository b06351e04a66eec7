namespace IngressFleet.Distribution.Following;

/// <summary>The clocks of one <see cref="VersionedFollower{TDelta, TSnapshot}"/>.</summary>
/// <param name="CheckInterval">How often the version is compared with the control plane's while current.</param>
/// <param name="CatchUpInterval">How often while behind or not yet synced, so a starting silo becomes current promptly.</param>
/// <param name="RetryMaxDelay">The longest wait between retries of a subscription or the first snapshot (from 100 ms, doubling).</param>
/// <param name="UnsubscribeTimeout">How long stopping waits for the unsubscription.</param>
public sealed record FollowerTiming(TimeSpan CheckInterval, TimeSpan CatchUpInterval, TimeSpan RetryMaxDelay, TimeSpan UnsubscribeTimeout);

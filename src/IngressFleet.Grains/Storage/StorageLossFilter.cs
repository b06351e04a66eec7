using IngressFleet.Core.Logging;
using Orleans.Storage;

namespace IngressFleet.Grains.Storage;

/// <summary>
/// Heals grains whose stored state vanished under them. When the store loses its data (Redis restarted
/// empty, a failover to an empty replica, <c>FLUSHALL</c>), a live activation's writes carry an ETag the
/// store no longer has and fail with <see cref="InconsistentStateException"/> forever (so does a stale
/// duplicate activation, e.g. on a silo that was frozen). This filter deactivates such a grain: the call still
/// fails, and the caller's retry reaches a new activation that reads what the store has now and writes from
/// there. Our grains are built for that (sources re-publish the full config, leases and versions rise with
/// the clock); so is Orleans' stream rendezvous grain, whose subscribers subscribe again when their version
/// checks find the stream missed a change.
/// </summary>
public sealed partial class StorageLossFilter(ILogger<StorageLossFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch (InconsistentStateException e) when (IsOwnStorage(context, e))
        {
            Log.Deactivating(logger, context.TargetId.ToString(), e.Message);
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "its stored state changed or vanished under it"));
            throw;
        }
    }

    /// <summary>The grain's own write failed (not a grain it called, which heals itself the same way).</summary>
    private static bool IsOwnStorage(IIncomingGrainCallContext context, InconsistentStateException e) =>
        e.Message.Contains($"GrainId={context.TargetId}", StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventIds.StorageLossFilterDeactivating, LogLevel.Warning, "Grain {Grain} found its stored state changed or gone ({Reason}); it is deactivated and the next call starts from what the store holds")]
        public static partial void Deactivating(ILogger logger, string grain, string reason);
    }
}

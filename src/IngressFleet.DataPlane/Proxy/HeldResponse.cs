using System.Collections.Frozen;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// One attempt's watch for a backend status that must not reach the client as it is: one tried again on another
/// destination (<c>proxy-next-upstream: http_502</c>, say), or one the Ingress's error backend answers instead
/// (<c>custom-http-errors</c>). The transformer holds such a response back and notes its status here.
/// </summary>
/// <param name="retry">The request's retry budget, when this attempt may be tried again; asked again when a status
/// arrives, since the time allowed for retries may have run out meanwhile.</param>
/// <param name="errorCodes">The statuses the error backend answers.</param>
internal sealed class HeldResponse(RetryBudget? retry, FrozenSet<int> errorCodes)
{
    /// <summary>The status held back, null when the response went to the client.</summary>
    public int? Status { get; private set; }

    /// <summary>Whether the held status is one the error backend answers (rather than one tried again).</summary>
    public bool ForErrorBackend => Status is { } status && errorCodes.Contains(status) && !_retried;

    private bool _retried;

    /// <summary>Whether a response with <paramref name="status"/> is held back (and notes it when it is).</summary>
    public bool HoldsBack(int status)
    {
        _retried = retry is { MayRetryStatus: true } budget && budget.RetriesStatus(status);
        if (!_retried && !errorCodes.Contains(status))
        {
            return false;
        }

        Status = status;
        return true;
    }
}

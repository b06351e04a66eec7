using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// One attempt's watch for a response status that is tried again (<c>proxy-next-upstream: http_502</c>, say):
/// the transformer holds such a response back from the client and notes its status here.
/// </summary>
internal sealed class StatusRetry(NextUpstream policy)
{
    /// <summary>The status held back, null when the response went to the client.</summary>
    public int? Status { get; private set; }

    /// <summary>Whether a response with <paramref name="status"/> is held back (and notes it when it is).</summary>
    public bool HoldsBack(int status)
    {
        if (!policy.RetriesStatus(status))
        {
            return false;
        }

        Status = status;
        return true;
    }
}

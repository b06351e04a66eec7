using System.Collections.Frozen;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// One attempt's watch for a backend status that must not reach the client as it is: one tried again on another
/// destination (<c>proxy-next-upstream: http_502</c>, say), or one the Ingress's error backend answers instead
/// (<c>custom-http-errors</c>). The transformer holds such a response back and notes its status here.
/// </summary>
internal sealed class HeldResponse(NextUpstream? retry, FrozenSet<int> errorCodes)
{
    /// <summary>The status held back, null when the response went to the client.</summary>
    public int? Status { get; private set; }

    /// <summary>Whether the held status is one the error backend answers (rather than one tried again).</summary>
    public bool ForErrorBackend => Status is { } status && errorCodes.Contains(status) && retry?.RetriesStatus(status) != true;

    /// <summary>Whether a response with <paramref name="status"/> is held back (and notes it when it is).</summary>
    public bool HoldsBack(int status)
    {
        if (retry?.RetriesStatus(status) != true && !errorCodes.Contains(status))
        {
            return false;
        }

        Status = status;
        return true;
    }
}

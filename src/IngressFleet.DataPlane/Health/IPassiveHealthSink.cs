namespace IngressFleet.DataPlane.Health;

/// <summary>
/// Where the request path reports how each forward went (passive health). Implementations must only count:
/// this is called on every request and may not wait on anything.
/// </summary>
public interface IPassiveHealthSink
{
    /// <summary>Records one forwarded request's outcome for <paramref name="destination"/> of <paramref name="backend"/>.</summary>
    /// <param name="backend">The backend key.</param>
    /// <param name="destination">The destination's address (<c>host:port</c>).</param>
    /// <param name="failed">A connection failure, a timeout, or a 5xx the backend's policy counts.</param>
    /// <param name="serverError">The failure was a 5xx response: evidence a client can provoke, so weighed less.</param>
    void Record(string backend, string destination, bool failed, bool serverError);
}

using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>A forward that failed on the fast path, with the <see cref="ForwarderError"/> YARP's forwarder would report for it.</summary>
internal sealed class Http1ForwardException(ForwarderError error, string message, Exception? inner) : Exception(message, inner)
{
    public ForwarderError Error { get; } = error;
}

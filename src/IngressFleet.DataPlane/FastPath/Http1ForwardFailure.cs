using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>A failed forward as the request's <see cref="IForwarderErrorFeature"/>, where YARP's forwarder leaves its own.</summary>
internal sealed record Http1ForwardFailure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

using System.Globalization;
using IngressFleet.DataPlane.ClientIdentity;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// What a backend is told of the request's client and of how it reached the proxy (<c>X-Forwarded-For</c>, <c>-Proto</c>,
/// <c>-Host</c>, <c>-Port</c> and nginx's <c>X-Real-IP</c>): the client address as resolved, a trusted proxy's own values
/// where it sent them. One source for both forwarding paths, so they cannot disagree.
/// </summary>
internal readonly record struct ForwardedValues(string? For, string Proto, string? Host, string Port, string? RealIp)
{
    /// <summary>The request headers these values replace, and the client headers that are removed outright.</summary>
    public static readonly string[] Replaced =
        ["X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP", "Forwarded", "X-Original-Forwarded-For", "X-Forwarded-Prefix"];

    public static ForwardedValues Of(HttpContext context)
    {
        var request = context.Request;
        var client = context.Connection.RemoteIpAddress?.ToString();
        var trusted = context.Features.Get<TrustedForwarding>();
        return new(
            trusted?.ForwardedFor ?? client,
            request.Scheme,
            trusted?.Host ?? request.Host.Value,
            trusted?.Port ?? context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture),
            client);
    }
}

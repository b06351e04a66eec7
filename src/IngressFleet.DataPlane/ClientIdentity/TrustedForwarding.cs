namespace IngressFleet.DataPlane.ClientIdentity;

/// <summary>What a trusted proxy in front said about the request, passed on to the backend.</summary>
/// <param name="ForwardedFor">The full <c>X-Forwarded-For</c> chain to send (with <see cref="ClientAccessOptions.ComputeFullForwardedFor"/>), else null: the client alone.</param>
/// <param name="Host">Its <c>X-Forwarded-Host</c>, if it sent one.</param>
/// <param name="Port">Its <c>X-Forwarded-Port</c>, if it sent one.</param>
public sealed record TrustedForwarding(string? ForwardedFor, string? Host, string? Port);

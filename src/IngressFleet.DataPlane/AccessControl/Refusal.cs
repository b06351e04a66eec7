using Microsoft.Extensions.Primitives;

namespace IngressFleet.DataPlane.AccessControl;

/// <summary>Why a request is not let through, and the response that says so.</summary>
/// <param name="Status">The response status.</param>
/// <param name="Reason">The body's reason line.</param>
/// <param name="Location">Where a 302 sends the client (sign-in), if anywhere.</param>
/// <param name="Challenge">The <c>WWW-Authenticate</c> value of a 401, if any.</param>
public sealed record Refusal(int Status, string Reason, string? Location = null, StringValues Challenge = default);

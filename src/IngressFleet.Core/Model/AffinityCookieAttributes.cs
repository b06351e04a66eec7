namespace IngressFleet.Core.Model;

/// <summary>
/// The attributes of the cookie that keeps a client on its destination (ingress-nginx's <c>session-cookie-*</c>):
/// what a browser is told about it. The cookie is always <c>HttpOnly</c>, as ingress-nginx's is.
/// </summary>
/// <param name="Path">Its path; null for the rule's path, as ingress-nginx sets it.</param>
/// <param name="Domain">Its domain, if set.</param>
/// <param name="SameSite"><c>None</c>, <c>Lax</c> or <c>Strict</c>; null sends no SameSite attribute.</param>
/// <param name="Secure">Sent with <c>Secure</c> always; otherwise only on HTTPS requests.</param>
/// <param name="MaxAge">Its lifetime (<c>session-cookie-max-age</c>, or <c>-expires</c>); null for a session cookie.</param>
/// <param name="ChangeOnFailure">A client whose destination failed is moved to the one that answered (<c>session-cookie-change-on-failure</c>).</param>
/// <param name="ConditionalSameSiteNone">SameSite=None is left out for browsers known to reject it (<c>session-cookie-conditional-samesite-none</c>).</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.AffinityCookieAttributes")]
public sealed record AffinityCookieAttributes(string? Path, string? Domain, string? SameSite, bool Secure, TimeSpan? MaxAge, bool ChangeOnFailure, bool ConditionalSameSiteNone)
{
    public static AffinityCookieAttributes Default { get; } = new(null, null, null, false, null, false, false);
}

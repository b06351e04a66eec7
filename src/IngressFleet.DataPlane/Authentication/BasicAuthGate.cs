using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using IngressFleet.Core.Authentication;
using IngressFleet.Core.Model;

namespace IngressFleet.DataPlane.Authentication;

/// <summary>
/// Checks a request's <c>Authorization: Basic</c> credentials against an Ingress's users. A successful check
/// is remembered (by a hash of the user, password and stored hash, never the password itself) so a client
/// pays for bcrypt once, not per request; failures are never remembered.
/// </summary>
public sealed class BasicAuthGate
{
    private const int RememberedLimit = 10_000;
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);

    public enum Verdict
    {
        Admitted,

        /// <summary>No or wrong credentials: 401 with a challenge.</summary>
        Challenged,

        /// <summary>The users are not available (the Secret is missing or unusable): 503, never open.</summary>
        Unavailable,
    }

    public Verdict Check(HttpRequest request, BasicAuth auth)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        if (auth.Credentials is null)
        {
            return Verdict.Unavailable;
        }

        if (!TryReadCredentials(request.Headers.Authorization.ToString(), out var user, out var password)
            || !auth.Users.TryGetValue(user, out var stored))
        {
            return Verdict.Challenged;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{stored}\n{user}\n{password}")));
        if (_verified.ContainsKey(key))
        {
            return Verdict.Admitted;
        }

        if (!PasswordHash.Verify(password, stored))
        {
            return Verdict.Challenged;
        }

        if (_verified.Count >= RememberedLimit)
        {
            _verified.Clear();
        }

        _verified.TryAdd(key, 0);
        return Verdict.Admitted;
    }

    /// <summary>The challenge nginx sends: <c>Basic realm="…"</c>.</summary>
    public static string Challenge(BasicAuth auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        return $"Basic realm=\"{auth.Realm}\"";
    }

    private static bool TryReadCredentials(string header, out string user, out string password)
    {
        (user, password) = (string.Empty, string.Empty);
        const string Scheme = "Basic ";
        if (header.Length <= Scheme.Length || header.Length > 4 * PasswordHash.MaxLength
            || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[header.Length];
        if (!Convert.TryFromBase64String(header[Scheme.Length..].Trim(), decoded, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(decoded[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        (user, password) = (text[..colon], text[(colon + 1)..]);
        return true;
    }
}

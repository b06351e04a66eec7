using System.Security.Cryptography;
using System.Text;

namespace IngressFleet.Core.Authentication;

// htpasswd files hold these formats; they are verified as users have them, never used to store anything.
#pragma warning disable CA5350

/// <summary>
/// Checks a password against a stored hash in the formats nginx's <c>auth_basic_user_file</c> accepts on
/// ingress-nginx's image: <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c> (bcrypt), <c>$apr1$</c> and <c>$1$</c> (MD5-crypt),
/// <c>$5$</c> and <c>$6$</c> (SHA-crypt), traditional DES <c>crypt</c> (13 characters, <c>htpasswd -d</c>; only the
/// first 8 characters of a password count, as with crypt(3)), <c>{SHA}</c>, <c>{SSHA}</c> and <c>{PLAIN}</c>.
/// Comparisons take constant time in the password.
/// </summary>
public static class PasswordHash
{
    /// <summary>The longest password or hash looked at; longer input is refused, not hashed (bcrypt reads 72 bytes at most anyway).</summary>
    public const int MaxLength = 1024;

    /// <summary>The format of <paramref name="stored"/>, or null when it is not one we verify.</summary>
    public static string? Format(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored switch
        {
            _ when stored.Length > MaxLength => null,
            _ when stored.StartsWith("$2a$", StringComparison.Ordinal) || stored.StartsWith("$2b$", StringComparison.Ordinal) || stored.StartsWith("$2y$", StringComparison.Ordinal) => "bcrypt",
            _ when stored.StartsWith("$apr1$", StringComparison.Ordinal) => "apr1",
            _ when stored.StartsWith("$1$", StringComparison.Ordinal) => "md5-crypt",
            _ when stored.StartsWith("$5$", StringComparison.Ordinal) => "sha256-crypt",
            _ when stored.StartsWith("$6$", StringComparison.Ordinal) => "sha512-crypt",
            _ when stored.StartsWith("{SHA}", StringComparison.Ordinal) => "sha1",
            _ when stored.StartsWith("{SSHA}", StringComparison.Ordinal) => "salted-sha1",
            _ when stored.StartsWith("{PLAIN}", StringComparison.Ordinal) => "plain",
            _ when DesCrypt.IsTraditional(stored) => "des-crypt",
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>; false for any format not supported or malformed.</summary>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (password.Length > MaxLength)
        {
            return false;
        }

        try
        {
            return Format(stored) switch
            {
                "bcrypt" => BCrypt.Net.BCrypt.Verify(password, stored),
                "apr1" => SameText(UnixCrypt.Md5(password, stored, "$apr1$"), stored),
                "md5-crypt" => SameText(UnixCrypt.Md5(password, stored, "$1$"), stored),
                "sha256-crypt" => SameText(UnixCrypt.Sha(password, stored, "$5$"), stored),
                "sha512-crypt" => SameText(UnixCrypt.Sha(password, stored, "$6$"), stored),
                "sha1" => SameBytes(SHA1.HashData(Encoding.UTF8.GetBytes(password)), Convert.FromBase64String(stored["{SHA}".Length..])),
                "salted-sha1" => VerifySaltedSha1(password, Convert.FromBase64String(stored["{SSHA}".Length..])),
                "plain" => SameText(password, stored["{PLAIN}".Length..]),
                "des-crypt" => SameText(DesCrypt.Hash(password, stored), stored),
                _ => false,
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or BCrypt.Net.SaltParseException)
        {
            // A malformed hash matches no password.
            return false;
        }
    }

    private static bool VerifySaltedSha1(string password, byte[] decoded)
    {
        if (decoded.Length <= 20)
        {
            return false;
        }

        var salt = decoded.AsSpan(20);
        var input = Encoding.UTF8.GetBytes(password).Concat(salt.ToArray()).ToArray();
        return SameBytes(SHA1.HashData(input), decoded.AsSpan(0, 20));
    }

    private static bool SameText(string? computed, string stored) =>
        computed is not null && SameBytes(Encoding.UTF8.GetBytes(computed), Encoding.UTF8.GetBytes(stored));

    private static bool SameBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}

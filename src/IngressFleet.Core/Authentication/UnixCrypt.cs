using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IngressFleet.Core.Authentication;

// htpasswd files hold these formats; they are verified as users have them, never used to store anything.
#pragma warning disable CA5351

/// <summary>
/// The crypt(3) schemes htpasswd files use: MD5-crypt (<c>$1$</c>, and Apache's <c>$apr1$</c>, the same
/// algorithm under another magic) and Drepper's SHA-crypt (<c>$5$</c>, <c>$6$</c>). Each returns the full
/// hash string for the salt (and rounds) taken from <c>stored</c>, or null when that is malformed.
/// </summary>
internal static class UnixCrypt
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly int[][] Sha256Order =
    [
        [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
    ];

    private static readonly int[][] Sha512Order =
    [
        [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
        [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
    ];

    public static string? Md5(string password, string stored, string magic)
    {
        var rest = stored[magic.Length..];
        var end = rest.IndexOf('$', StringComparison.Ordinal);
        var salt = (end < 0 ? rest : rest[..end]) is var s && s.Length > 8 ? s[..8] : s;
        var pw = Encoding.UTF8.GetBytes(password);
        var saltBytes = Encoding.ASCII.GetBytes(salt);

        var alternate = MD5.HashData([.. pw, .. saltBytes, .. pw]);
        var context = new List<byte>(pw.Length * 3);
        context.AddRange(pw);
        context.AddRange(Encoding.ASCII.GetBytes(magic));
        context.AddRange(saltBytes);
        for (var length = pw.Length; length > 0; length -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(16, length)).ToArray());
        }

        for (var i = pw.Length; i > 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : pw.Length > 0 ? pw[0] : (byte)0);
        }

        var final = MD5.HashData([.. context]);
        for (var i = 0; i < 1000; i++)
        {
            var round = new List<byte>(64);
            round.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                round.AddRange(saltBytes);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pw);
            }

            round.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData([.. round]);
        }

        var text = new StringBuilder(magic).Append(salt).Append('$');
        foreach (var (a, b, c) in new[] { (0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5) })
        {
            To64(text, (final[a] << 16) | (final[b] << 8) | final[c], 4);
        }

        To64(text, final[11], 2);
        return text.ToString();
    }

    public static string? Sha(string password, string stored, string magic)
    {
        var sha512 = magic == "$6$";
        var rest = stored[magic.Length..];
        var rounds = 5000;
        var roundsGiven = false;
        if (rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('$', StringComparison.Ordinal);
            if (end < 0 || !int.TryParse(rest.AsSpan(7, end - 7), NumberStyles.None, CultureInfo.InvariantCulture, out rounds))
            {
                return null;
            }

            rounds = Math.Clamp(rounds, 1000, 999_999_999);
            roundsGiven = true;
            rest = rest[(end + 1)..];
        }

        var saltEnd = rest.IndexOf('$', StringComparison.Ordinal);
        var salt = (saltEnd < 0 ? rest : rest[..saltEnd]) is var s && s.Length > 16 ? s[..16] : s;
        var p = Encoding.UTF8.GetBytes(password);
        var sb = Encoding.ASCII.GetBytes(salt);
        byte[] Hash(byte[] data) => sha512 ? SHA512.HashData(data) : SHA256.HashData(data);
        var size = sha512 ? 64 : 32;

        var b = Hash([.. p, .. sb, .. p]);
        var a = new List<byte>();
        a.AddRange(p);
        a.AddRange(sb);
        int count;
        for (count = p.Length; count > size; count -= size)
        {
            a.AddRange(b);
        }

        a.AddRange(b.AsSpan(0, count).ToArray());
        for (count = p.Length; count > 0; count >>= 1)
        {
            a.AddRange((count & 1) != 0 ? b : p);
        }

        var result = Hash([.. a]);
        var dp = Hash([.. Enumerable.Repeat(p, p.Length).SelectMany(x => x)]);
        var pSequence = Repeat(dp, p.Length);
        var ds = Hash([.. Enumerable.Repeat(sb, 16 + result[0]).SelectMany(x => x)]);
        var sSequence = Repeat(ds, sb.Length);

        for (var i = 0; i < rounds; i++)
        {
            var round = new List<byte>(size * 4);
            round.AddRange((i & 1) != 0 ? pSequence : result);
            if (i % 3 != 0)
            {
                round.AddRange(sSequence);
            }

            if (i % 7 != 0)
            {
                round.AddRange(pSequence);
            }

            round.AddRange((i & 1) != 0 ? result : pSequence);
            result = Hash([.. round]);
        }

        var text = new StringBuilder(magic);
        if (roundsGiven)
        {
            text.Append("rounds=").Append(rounds.ToString(CultureInfo.InvariantCulture)).Append('$');
        }

        text.Append(salt).Append('$');
        foreach (var group in sha512 ? Sha512Order : Sha256Order)
        {
            To64(text, (result[group[0]] << 16) | (result[group[1]] << 8) | result[group[2]], 4);
        }

        if (sha512)
        {
            To64(text, result[63], 2);
        }
        else
        {
            To64(text, (result[31] << 8) | result[30], 3);
        }

        return text.ToString();
    }

    private static byte[] Repeat(byte[] source, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = source[i % source.Length];
        }

        return result;
    }

    private static void To64(StringBuilder text, int value, int count)
    {
        for (var i = 0; i < count; i++)
        {
            text.Append(Itoa64[value & 0x3F]);
            value >>= 6;
        }
    }
}

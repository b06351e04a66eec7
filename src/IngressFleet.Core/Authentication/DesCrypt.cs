namespace IngressFleet.Core.Authentication;

/// <summary>
/// Traditional crypt(3) (<c>htpasswd -d</c>): 25 DES encryptions of a zero block under the password's first 8
/// characters, with the E expansion permuted by a 12-bit salt. Written out bit by bit from FIPS 46-3: slow
/// (a few milliseconds), which is fine for a check made once per client credential.
/// </summary>
internal static class DesCrypt
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly byte[] Ip =
    [
        58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
        57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
    ];

    private static readonly byte[] Fp =
    [
        40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
        36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
    ];

    private static readonly byte[] Expansion =
    [
        32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
        16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
    ];

    private static readonly byte[] P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];

    private static readonly byte[] Pc1 =
    [
        57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
        63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
    ];

    private static readonly byte[] Pc2 =
    [
        14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
    ];

    private static readonly byte[] Shifts = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

    private static readonly byte[][] SBoxes =
    [
        [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8, 4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
        [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5, 0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
        [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1, 13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
        [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9, 10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
        [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6, 4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
        [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8, 9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
        [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6, 1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
        [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2, 7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
    ];

    /// <summary>Whether <paramref name="stored"/> has the traditional form: 13 characters of the crypt alphabet.</summary>
    public static bool IsTraditional(string stored) => stored.Length == 13 && stored.All(c => Itoa64.Contains(c, StringComparison.Ordinal));

    /// <summary>The 13-character hash of <paramref name="password"/> with the salt of <paramref name="stored"/>.</summary>
    public static string Hash(string password, string stored)
    {
        var key = new byte[64];
        for (var i = 0; i < 8 && i < password.Length; i++)
        {
            var c = (password[i] & 0x7F) << 1;
            for (var bit = 0; bit < 8; bit++)
            {
                key[(i * 8) + bit] = (byte)((c >> (7 - bit)) & 1);
            }
        }

        var salt = Itoa64.IndexOf(stored[0], StringComparison.Ordinal) | (Itoa64.IndexOf(stored[1], StringComparison.Ordinal) << 6);
        var expansion = (byte[])Expansion.Clone();
        for (var i = 0; i < 12; i++)
        {
            if (((salt >> i) & 1) != 0)
            {
                (expansion[i], expansion[i + 24]) = (expansion[i + 24], expansion[i]);
            }
        }

        var subkeys = Subkeys(key);
        var block = new byte[64];
        for (var round = 0; round < 25; round++)
        {
            block = Encrypt(block, subkeys, expansion);
        }

        var text = new System.Text.StringBuilder(stored[..2]);
        for (var i = 0; i < 66; i += 6)
        {
            var value = 0;
            for (var bit = 0; bit < 6; bit++)
            {
                value = (value << 1) | (i + bit < 64 ? block[i + bit] : 0);
            }

            text.Append(Itoa64[value]);
        }

        return text.ToString();
    }

    private static byte[][] Subkeys(byte[] key)
    {
        var cd = Permute(key, Pc1);
        var subkeys = new byte[16][];
        for (var round = 0; round < 16; round++)
        {
            for (var shift = 0; shift < Shifts[round]; shift++)
            {
                var (c0, d0) = (cd[0], cd[28]);
                Array.Copy(cd, 1, cd, 0, 27);
                Array.Copy(cd, 29, cd, 28, 27);
                (cd[27], cd[55]) = (c0, d0);
            }

            subkeys[round] = Permute(cd, Pc2);
        }

        return subkeys;
    }

    private static byte[] Encrypt(byte[] block, byte[][] subkeys, byte[] expansion)
    {
        var bits = Permute(block, Ip);
        var (left, right) = (bits[..32], bits[32..]);
        foreach (var subkey in subkeys)
        {
            var expanded = Permute(right, expansion);
            var mixed = new byte[32];
            for (var box = 0; box < 8; box++)
            {
                var x = new int[6];
                for (var i = 0; i < 6; i++)
                {
                    x[i] = expanded[(box * 6) + i] ^ subkey[(box * 6) + i];
                }

                int X(int i) => x[i];
                var row = (X(0) << 1) | X(5);
                var column = (X(1) << 3) | (X(2) << 2) | (X(3) << 1) | X(4);
                var value = SBoxes[box][(row * 16) + column];
                for (var bit = 0; bit < 4; bit++)
                {
                    mixed[(box * 4) + bit] = (byte)((value >> (3 - bit)) & 1);
                }
            }

            var f = Permute(mixed, P);
            var next = new byte[32];
            for (var i = 0; i < 32; i++)
            {
                next[i] = (byte)(left[i] ^ f[i]);
            }

            (left, right) = (right, next);
        }

        return Permute([.. right, .. left], Fp);
    }

    private static byte[] Permute(byte[] input, byte[] table)
    {
        var output = new byte[table.Length];
        for (var i = 0; i < table.Length; i++)
        {
            output[i] = input[table[i] - 1];
        }

        return output;
    }
}

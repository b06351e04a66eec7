using IngressFleet.Core.Authentication;

namespace IngressFleet.Tests.Core.Authentication;

/// <summary>
/// Stored hashes as htpasswd, openssl and crypt(3) write them. The vectors were made with glibc's crypt(3)
/// (Python's <c>crypt.crypt</c>) and <c>openssl passwd -apr1</c>, for the password "secret pass".
/// </summary>
public sealed class PasswordHashTests
{
    private const string Password = "secret pass";

    [Theory]
    [InlineData("$2b$05$abcdefghijklmnopqrstuuFzejfplTChgPyZNQOF2kNcZhBC.ObAS", "bcrypt")]
    [InlineData("$apr1$xyzsalt1$cFbAhuEIoTyEwPA9j5NuW0", "apr1")]
    [InlineData("$1$saltsalt$cIrgcdXxo0mpb22wHphLq1", "md5-crypt")]
    [InlineData("$5$saltsalt$49/9YFbpUJeeKmhYqhW2979avhxSQ228IAIaALKs.a9", "sha256-crypt")]
    [InlineData("$5$rounds=1000$saltsalt$an7Q7/YZPqbgOZQSjlr9So8zhhW6c2TOoToekYwZQMC", "sha256-crypt")]
    [InlineData("$6$saltsalt$2SX99CLXfgNtck/wz/iTBSo0ZppJqfrO.TVXU.zE5LOVLcjA8ItNsdkimGDe1yNWQ8eQPMdoTvM7hLGy/7Ccc1", "sha512-crypt")]
    [InlineData("{SHA}O1hAcUlX7zkBbV+/3rmbDfUlbNM=", "sha1")]
    [InlineData("{PLAIN}secret pass", "plain")]
    [InlineData("abvOVwEVZZ8hM", "des-crypt")]
    public void EachFormat_AcceptsItsPassword_AndNoOther(string stored, string format)
    {
        Assert.Equal(format, PasswordHash.Format(stored));
        Assert.True(PasswordHash.Verify(Password, stored), $"{format} refused the right password");
        Assert.False(PasswordHash.Verify("Secret pass", stored), $"{format} accepted a wrong password");
        Assert.False(PasswordHash.Verify(string.Empty, stored), $"{format} accepted an empty password");
    }

    [Theory]
    [InlineData("secret pass", "zzp5JmXBcT2iw")]
    [InlineData("a", "./xT2u5QYaHcU")]
    [InlineData("", "abmF1QH4PEr.E")]
    [InlineData("secret p and more", "abvOVwEVZZ8hM")] // crypt(3) reads 8 characters
    public void DesCrypt_MatchesGlibc(string password, string stored) => Assert.True(PasswordHash.Verify(password, stored));

    [Fact]
    public void SaltedSha1_AcceptsItsPassword()
    {
        var salt = "salt"u8.ToArray();
#pragma warning disable CA5350 // The format under test.
        var digest = System.Security.Cryptography.SHA1.HashData([.. System.Text.Encoding.UTF8.GetBytes(Password), .. salt]);
#pragma warning restore CA5350
        var stored = "{SSHA}" + Convert.ToBase64String([.. digest, .. salt]);

        Assert.True(PasswordHash.Verify(Password, stored));
        Assert.False(PasswordHash.Verify("other", stored));
    }

    [Theory]
    [InlineData("abvOVwEVZZ8hM!")]
    [InlineData("$2b$05$short")]
    [InlineData("{SHA}not base64!")]
    [InlineData("{SSHA}AAAA")]
    [InlineData("$5$rounds=x$saltsalt$abc")]
    [InlineData("")]
    public void UnsupportedOrMalformed_MatchesNothing(string stored) =>
        Assert.False(PasswordHash.Verify(Password, stored));
}

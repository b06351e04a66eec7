using System.Text;
using IngressFleet.Core.Authentication;
using k8s.Models;

namespace IngressFleet.Tests.Core.Authentication;

/// <summary>Basic-auth Secrets as ingress-nginx reads them: an htpasswd file in key <c>auth</c>, or an auth map.</summary>
public sealed class HtpasswdTests
{
    private const string Apr1 = "$apr1$xyzsalt1$cFbAhuEIoTyEwPA9j5NuW0";

    [Fact]
    public void AuthFile_KeepsUsableEntries_SortedAndReportsTheRest()
    {
        var secret = Secret(("auth", $"zed:{{PLAIN}}z\r\n# a comment\nann:{Apr1}\nold:$9$unknown\nbroken line\nann:{{PLAIN}}second\n"));

        var (credentials, problems) = Htpasswd.Read(secret, authMap: false);

        Assert.Equal($"ann:{Apr1}\nzed:{{PLAIN}}z", credentials);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("user old", StringComparison.Ordinal) && p.Contains("format", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("line 5", StringComparison.Ordinal));
    }

    [Fact]
    public void AuthMap_IsOneKeyPerUser_StringDataOverData()
    {
        var secret = Secret(("ann", Apr1), ("bob", "{PLAIN}old"));
        secret.StringData = new Dictionary<string, string> { ["bob"] = "{PLAIN}new" };

        var (credentials, problems) = Htpasswd.Read(secret, authMap: true);

        Assert.Equal($"ann:{Apr1}\nbob:{{PLAIN}}new", credentials);
        Assert.Empty(problems);
    }

    [Fact]
    public void ASecretWithoutUsers_HasNoCredentials()
    {
        var (credentials, problems) = Htpasswd.Read(Secret(("other", "x")), authMap: false);

        Assert.Null(credentials);
        Assert.Contains("no key \"auth\"", Assert.Single(problems), StringComparison.Ordinal);
    }

    private static V1Secret Secret(params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { Name = "users", NamespaceProperty = "default" },
        Data = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
    };
}

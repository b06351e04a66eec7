using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.AccessControl;

/// <summary>Basic authentication as ingress-nginx's users set it up, on real sockets: each hash format, the challenge, a Secret changed and deleted.</summary>
public sealed class BasicAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private EchoHost _setup = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _setup = await EchoHost.StartAsync();
        _host = _setup.Host;
    }

    public async Task DisposeAsync()
    {
        await _setup.DisposeAsync();
    }

    [Fact]
    public async Task EachHashFormat_Admits_TheRightPasswordOnly_AndTheChallengeNamesTheRealm()
    {
        // Made with openssl passwd -apr1 and glibc crypt(3) (bcrypt, MD5, SHA and DES crypt); every user's password is "secret pass".
        string[] users =
        [
            "bcrypt:$2b$05$abcdefghijklmnopqrstuuFzejfplTChgPyZNQOF2kNcZhBC.ObAS",
            "apr1:$apr1$xyzsalt1$cFbAhuEIoTyEwPA9j5NuW0",
            "md5:$1$saltsalt$cIrgcdXxo0mpb22wHphLq1",
            "sha256:$5$saltsalt$49/9YFbpUJeeKmhYqhW2979avhxSQ228IAIaALKs.a9",
            "sha512:$6$saltsalt$2SX99CLXfgNtck/wz/iTBSo0ZppJqfrO.TVXU.zE5LOVLcjA8ItNsdkimGDe1yNWQ8eQPMdoTvM7hLGy/7Ccc1",
            "sha1:{SHA}O1hAcUlX7zkBbV+/3rmbDfUlbNM=",
            "des:abvOVwEVZZ8hM",
        ];
        Write(string.Join('\n', users));
        await Eventually.HoldsAsync(async () => (await GetAsync(null)).StatusCode == HttpStatusCode.Unauthorized, Bound, "guarded.test asks for credentials");

        using var challenge = await GetAsync(null);
        Assert.Equal("Basic realm=\"Staff only\"", challenge.Headers.WwwAuthenticate.ToString());
        foreach (var user in users.Select(u => u[..u.IndexOf(':', StringComparison.Ordinal)]))
        {
            using var admitted = await GetAsync((user, "secret pass"));
            Assert.True(admitted.StatusCode == HttpStatusCode.OK, $"{user}: {admitted.StatusCode}");
            Assert.Equal("echo", admitted.Headers.GetValues("X-Echo-Backend").Single());
            using var refused = await GetAsync((user, "Secret pass"));
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{user} with a wrong password: {refused.StatusCode}");
        }

        using var unknown = await GetAsync(("nobody", "secret pass"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task AChangedSecret_TakesEffect_ADeletedOne_RefusesEveryone()
    {
        Write("ann:{PLAIN}first");
        await Eventually.HoldsAsync(async () => (await GetAsync(("ann", "first"))).StatusCode == HttpStatusCode.OK, Bound, "ann admitted");

        Write("ann:{PLAIN}second");
        await Eventually.HoldsAsync(async () => (await GetAsync(("ann", "second"))).StatusCode == HttpStatusCode.OK, Bound, "the new password admitted");
        using (var old = await GetAsync(("ann", "first")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        _host.Delete("users.yaml");
        await Eventually.HoldsAsync(async () => (await GetAsync(("ann", "second"))).StatusCode == HttpStatusCode.ServiceUnavailable, Bound, "refused once the Secret is gone");
        var problems = await _host.AdminJsonAsync("/api/v1/problems?limit=1000");
        Assert.Contains("does not exist", problems.GetRawText(), StringComparison.Ordinal);
    }

    private void Write(string htpasswd)
    {
        _host.Write(
            "guarded.yaml",
            [
                Objects.Ingress("guarded").Rule("guarded.test", "/", "Prefix", "echo", "http")
                    .Annotate("nginx.ingress.kubernetes.io/auth-type", "basic")
                    .Annotate("nginx.ingress.kubernetes.io/auth-secret", "users")
                    .Annotate("nginx.ingress.kubernetes.io/auth-realm", "Staff only").Build(),
            ]);
        _host.Write("users.yaml", [new V1Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new V1ObjectMeta { Name = "users", NamespaceProperty = "default" }, Type = "Opaque", Data = new Dictionary<string, byte[]> { ["auth"] = Encoding.UTF8.GetBytes(htpasswd) } }]);
    }

    private async Task<HttpResponseMessage> GetAsync((string User, string Password)? credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "guarded.test";
        if (credentials is { } c)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")));
        }

        return await _host.Proxy.SendAsync(request);
    }
}

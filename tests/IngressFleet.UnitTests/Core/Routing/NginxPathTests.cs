using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Routing;

/// <summary>
/// ingress-nginx's path annotations as its users rely on them: <c>use-regex</c> and <c>rewrite-target</c> (regular
/// expressions for the whole host, case-insensitive, longest first), <c>server-alias</c> and <c>from-to-www-redirect</c>.
/// </summary>
public sealed class NginxPathTests
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";
    private const string NotFound = "404";


    private static readonly V1Ingress[] RegexHost =
    [
        Objects.Ingress("regex").Created(RouteTables.Older).Annotate(Nginx + "use-regex", "true")
            .Rule("r.com", "/api/v[0-9]+/users", "ImplementationSpecific", "users", 80)
            .Rule("r.com", "/api", "Prefix", "api", 80)
            .Rule("r.com", "/a.*", "ImplementationSpecific", "a-any", 80)
            .Rule("r.com", "/exact", "Exact", "exact", 80),

        // No annotation of its own, but on a host where another Ingress asks for regular expressions.
        Objects.Ingress("plain").Created(RouteTables.Newer)
            .Rule("r.com", "/static", "Prefix", "static", 80)
            .Rule("p.com", "/static", "Prefix", "p-static", 80),
    ];

    public static TheoryData<string, string, string> RegexCases => new()
    {
        { "r.com", "/api/v2/users", "users" },
        { "r.com", "/API/V12/Users/7", "users" },
        // Equal lengths: the greater path first ("/api" before "/a.*"), as ingress-nginx sorts them.
        { "r.com", "/api/vx/users", "api" },
        { "r.com", "/api", "api" },
        { "r.com", "/abc", "a-any" },

        // The host's other Ingress: its paths are regular expressions too, case-insensitive and not element-wise.
        { "r.com", "/STATIC/x", "static" },
        { "r.com", "/staticfoo", "static" },

        // An Exact path of a regex host is a prefix too, as ingress-nginx writes it (~* "^/exact").
        { "r.com", "/exact/more", "exact" },
        { "r.com", "/other", NotFound },

        // Another host keeps the Ingress v1 rules.
        { "p.com", "/static/x", "p-static" },
        { "p.com", "/STATIC", NotFound },
        { "p.com", "/staticfoo", NotFound },
    };

    [Theory]
    [MemberData(nameof(RegexCases))]
    public void UseRegex_MakesEveryPathOfTheHostARegularExpression_TriedLongestFirst(string host, string path, string expected)
    {
        var table = RouteTables.Build(RegexHost);

        Assert.Equal(expected, table.Match(host, path)?.Backend.Service ?? NotFound);
    }

    [Fact]
    public void RewriteTarget_AloneMakesTheHostRegex_AndRewritesWithTheGroups()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("rewrite").Annotate(Nginx + "rewrite-target", "/$2")
                .Rule("w.com", "/something(/|$)(.*)", "ImplementationSpecific", "app", 80),
        ]);

        var route = table.Match("w.com", "/Something/new");

        Assert.Equal("app", route?.Backend.Service);
        Assert.Equal(("/new", "a=1", (string?)null), route!.Rewrite!.Apply("/Something/new", "a=1", _ => null));
        Assert.Equal(("/", string.Empty, (string?)null), route.Rewrite.Apply("/something", string.Empty, _ => null));
        Assert.Equal(("/", string.Empty, (string?)null), route.Rewrite.Apply("/something/", string.Empty, _ => null));
        Assert.Null(table.Match("w.com", "/else"));
    }

    [Fact]
    public void RewriteTarget_EqualToThePath_RewritesNothing_AndLeavesTheHostPlain()
    {
        var table = RouteTables.Build([Objects.Ingress("same").Annotate(Nginx + "rewrite-target", "/app").Rule("s.com", "/app", "Prefix", "app", 80)]);

        var route = table.Match("s.com", "/app/x");

        Assert.Null(route?.Rewrite);
        Assert.Null(table.Match("s.com", "/APP/x"));
    }

    public static TheoryData<string, string, string, string, string?> RewriteCases => new()
    {
        // pattern, target, request path, expected path?query, expected X-Forwarded-Prefix
        { "/api(/|$)(.*)", "/$2", "/api/v1/x", "/v1/x?q=1", null },
        { "/api(/|$)(.*)", "/v2/$2?from=api", "/api/x", "/v2/x?from=api&q=1", null },
        { "/app", "/", "/app/deep/path", "/?q=1", null },
        { "/svc(/|$)(.*)", "/$2", "/svc/x", "/x?q=1", "/svc" },
        { "/t/(.*)", "/$1$host", "/t/p-", "/p-example.org?q=1", null },
        { "/t/(.*)", "$1", "/t/relative", "/relative?q=1", null },
    };

    [Theory]
    [MemberData(nameof(RewriteCases))]
    public void PathRewrite_ReplacesTheWholePath_WithGroupsAndVariables_KeepingTheQuery(string pattern, string target, string path, string expected, string? prefix)
    {
        var rewrite = new PathRewrite(pattern, target, prefix);

        var result = rewrite.Apply(path, "q=1", name => name == "host" ? "example.org" : null);

        Assert.NotNull(result);
        Assert.Equal(expected, $"{result.Value.Path}?{result.Value.Query}");
        Assert.Equal(prefix, result.Value.Prefix);
    }

    [Fact]
    public void SafeRegex_RunsWhatTheLinearEngineCannot_UnderATimeout()
    {
        // A backreference: not for the non-backtracking engine, so it runs with a time limit instead of failing.
        var location = SafeRegex.Location("/(a+)\\1");

        Assert.True(SafeRegex.IsMatch(location, "/aaaa"));
        Assert.Equal(SafeRegex.MatchTimeout, location.MatchTimeout);

        // The classic catastrophic pattern runs on the linear engine: a hostile path answers at once.
        var hostile = SafeRegex.Location("/(a+)+$");
        Assert.False(SafeRegex.IsMatch(hostile, "/" + new string('a', 50_000) + "!"));
    }

    [Fact]
    public void UseRegex_AnInvalidExpression_RejectsTheIngress_NamingThePath()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("bad").Annotate(Nginx + "use-regex", "true").Rule("b.com", "/a(b", "ImplementationSpecific", "b", 80));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("spec.rules[0].http.paths[0].path: invalid value \"/a(b\": not a regular expression", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerAlias_ServesEveryPathOfTheHost_ButNeverTakesARealHost()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("main").Created(RouteTables.Older).Annotate(Nginx + "server-alias", "alias.com, Other.COM, taken.com")
                .Rule("main.com", "/", "Prefix", "main", 80),
            Objects.Ingress("more").Created(RouteTables.Newer).Rule("main.com", "/more", "Prefix", "more", 80),
            Objects.Ingress("taken").Created(RouteTables.Newer).Rule("taken.com", "/", "Prefix", "taken", 80),
        ]);

        Assert.Equal("main", table.Match("alias.com", "/x")?.Backend.Service);
        Assert.Equal("more", table.Match("other.com:8080", "/more")?.Backend.Service);
        Assert.Equal("taken", table.Match("taken.com", "/")?.Backend.Service);
        Assert.Equal("main.com", table.Aliases["alias.com"]);
    }

    [Fact]
    public void ServerAlias_AWildcard_IsRefused_WithTheReason()
    {
        var result = IngressTranslator.Translate(Objects.Ingress("w").Annotate(Nginx + "server-alias", "*.x.com").Rule("w.com", "/", "Prefix", "w", 80));

        Assert.Contains(result.Errors, e => e.Contains("wildcards and regular expressions are not supported", StringComparison.Ordinal));
    }

    [Fact]
    public void FromToWwwRedirect_RedirectsTheOtherName_BothWays_UnlessARuleNamesIt()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("bare").Annotate(Nginx + "from-to-www-redirect", "true").Rule("bare.com", "/", "Prefix", "bare", 80),
            Objects.Ingress("www").Annotate(Nginx + "from-to-www-redirect", "true").Rule("www.site.com", "/", "Prefix", "site", 80),
            Objects.Ingress("both").Annotate(Nginx + "from-to-www-redirect", "true").Rule("both.com", "/", "Prefix", "both", 80),
            Objects.Ingress("both-www").Rule("www.both.com", "/", "Prefix", "both-www", 80),
        ]);

        Assert.Equal("bare.com", table.Match("www.bare.com", "/x")?.RedirectToHost);
        Assert.Equal("www.site.com", table.Match("site.com", "/x")?.RedirectToHost);
        Assert.Null(table.Match("bare.com", "/x")?.RedirectToHost);
        Assert.Equal("both-www", table.Match("www.both.com", "/")?.Backend.Service);
    }
}

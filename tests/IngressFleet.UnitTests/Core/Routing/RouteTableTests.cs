using System.Collections.Immutable;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Routing;

/// <summary>
/// Ingress v1 matching, table-driven: each scenario is a set of Ingresses as a user would write them,
/// translated and merged by the real pipeline; each case is a request and the Service that must answer it.
/// </summary>
public sealed class RouteTableTests
{
    private const string NotFound = "404";


    private static readonly Dictionary<string, V1Ingress[]> Scenarios = new()
    {
        ["paths"] =
        [
            Objects.Ingress("paths")
                .Rule("foo.com", "/", "Prefix", "root", 80)
                .Rule("foo.com", "/foo", "Prefix", "foo-prefix", 80)
                .Rule("foo.com", "/foo", "Exact", "foo-exact", 80)
                .Rule("foo.com", "/foo/bar", "Prefix", "foobar", 80)
                .Rule("foo.com", "/aaa/bbb/", "Prefix", "aaabbb", 80)
                .Rule("foo.com", "/exact", "Exact", "exact", 80)
                .Rule("foo.com", "/exact/deep", "Exact", "exact-deep", 80)
                .Rule("foo.com", "/impl", "ImplementationSpecific", "impl", 80)
                .Rule("foo.com", "/Mixed", "Prefix", "mixed-case", 80),
        ],
        ["hosts"] =
        [
            Objects.Ingress("hosts")
                .Rule("foo.bar.com", "/", "Prefix", "exact-host", 80)
                .Rule("*.bar.com", "/", "Prefix", "wildcard-host", 80)
                .Rule(null, "/", "Prefix", "any-host", 80),
        ],
        ["no-fall-through"] =
        [
            Objects.Ingress("scoped")
                .Rule("a.com", "/x", "Exact", "a-x", 80)
                .Rule(null, "/", "Prefix", "catch-all", 80)
                .Default("default-backend", 80),
        ],
        ["default-scope"] =
        [
            Objects.Ingress("catch-all").Created(RouteTables.Older).Default("cluster-default", 80),
            Objects.Ingress("team-b").Created(RouteTables.Newer).Rule("b.com", "/app", "Prefix", "b-app", 80),
            Objects.Ingress("team-c").Created(RouteTables.Newer)
                .Rule("c.com", "/x", "Prefix", "c-x", 80)
                .Default("c-default", 80),
            Objects.Ingress("team-c-more").Created(RouteTables.Newer.AddDays(1)).Rule("c.com", "/more", "Prefix", "c-more", 80),
        ],
        ["no-default"] =
        [
            Objects.Ingress("app").Rule("a.com", "/app", "Prefix", "app", 80),
        ],
        ["exact-host-wins-whole"] =
        [
            Objects.Ingress("wild").Rule("*.w.com", "/", "Prefix", "wild", 80),
            Objects.Ingress("only").Rule("x.w.com", "/only", "Exact", "x-only", 80),
        ],
        ["merge"] =
        [
            Objects.Ingress("new").Created(RouteTables.Newer)
                .Rule("m.com", "/", "Prefix", "new-root", 80)
                .Rule("m.com", "/new", "Prefix", "new-only", 80),
            Objects.Ingress("old").Created(RouteTables.Older)
                .Rule("m.com", "/", "Prefix", "old-root", 80),
        ],
    };

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // Paths: element-wise, case-sensitive, longest match, Exact beats Prefix.
        { "paths", "foo.com", "/", "root" },
        { "paths", "foo.com", "/foo", "foo-exact" },
        { "paths", "foo.com", "/foo/", "foo-prefix" },
        { "paths", "foo.com", "/foo/baz", "foo-prefix" },
        { "paths", "foo.com", "/foobar", "root" },
        { "paths", "foo.com", "/foo/bar", "foobar" },
        { "paths", "foo.com", "/foo/bar/", "foobar" },
        { "paths", "foo.com", "/foo/bar/baz", "foobar" },
        { "paths", "foo.com", "/foo/barbaz", "foo-prefix" },
        { "paths", "foo.com", "/FOO", "root" },
        { "paths", "foo.com", "/Foo/bar", "root" },
        { "paths", "foo.com", "/aaa/bbb", "aaabbb" },
        { "paths", "foo.com", "/aaa/bbb/", "aaabbb" },
        { "paths", "foo.com", "/aaa/bbb/ccc", "aaabbb" },
        { "paths", "foo.com", "/aaa/bbbxyz", "root" },
        { "paths", "foo.com", "/aaa", "root" },
        { "paths", "foo.com", "/exact", "exact" },
        { "paths", "foo.com", "/exact/", "root" },
        { "paths", "foo.com", "/Exact", "root" },
        { "paths", "foo.com", "/exact/deep", "exact-deep" },
        { "paths", "foo.com", "/exact/deeper", "root" },
        { "paths", "foo.com", "/impl", "impl" },
        { "paths", "foo.com", "/impl/x/y", "impl" },
        { "paths", "foo.com", "/implx", "root" },
        { "paths", "foo.com", "/Mixed/a", "mixed-case" },
        { "paths", "foo.com", "/mixed/a", "root" },

        // Hosts: exact, then wildcard of exactly one label, then rules without host; case and port ignored.
        { "hosts", "foo.bar.com", "/", "exact-host" },
        { "hosts", "FOO.Bar.COM", "/", "exact-host" },
        { "hosts", "foo.bar.com:8080", "/x", "exact-host" },
        { "hosts", "foo.bar.com.", "/", "exact-host" },
        { "hosts", "baz.bar.com", "/", "wildcard-host" },
        { "hosts", "BAZ.bar.com:443", "/", "wildcard-host" },
        { "hosts", "bar.com", "/", "any-host" },
        { "hosts", "a.baz.bar.com", "/", "any-host" },
        { "hosts", ".bar.com", "/", "any-host" },
        { "hosts", "other.org", "/anything", "any-host" },
        { "hosts", "127.0.0.1:8080", "/", "any-host" },
        { "hosts", "[::1]:8080", "/", "any-host" },

        // The host chooses the rules; a path miss goes to the default backend, not to other hosts' rules.
        { "no-fall-through", "a.com", "/x", "a-x" },
        { "no-fall-through", "a.com", "/y", "default-backend" },
        { "no-fall-through", "a.com", "/x/", "default-backend" },
        { "no-fall-through", "b.com", "/y", "catch-all" },

        // Another team's catch-all never answers a host that a rule names: that host's own default backend does, or 404.
        { "default-scope", "b.com", "/app", "b-app" },
        { "default-scope", "b.com", "/other", NotFound },
        { "default-scope", "c.com", "/other", "c-default" },
        { "default-scope", "c.com", "/more/1", "c-more" },
        { "default-scope", "unknown.com", "/other", "cluster-default" },
        { "default-scope", "", "/", "cluster-default" },
        { "no-default", "a.com", "/app/1", "app" },
        { "no-default", "a.com", "/other", NotFound },
        { "no-default", "b.com", "/app", NotFound },
        { "no-default", "", "/app", NotFound },
        { "exact-host-wins-whole", "x.w.com", "/only", "x-only" },
        { "exact-host-wins-whole", "x.w.com", "/other", NotFound },
        { "exact-host-wins-whole", "y.w.com", "/other", "wild" },

        // Rules of one host merge across Ingresses; the older Ingress wins a tie.
        { "merge", "m.com", "/", "old-root" },
        { "merge", "m.com", "/new/x", "new-only" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Match_FollowsIngressV1Semantics(string scenario, string host, string path, string expectedService)
    {
        var table = RouteTables.Build(Scenarios[scenario]);

        var match = table.Match(host, path);

        Assert.Equal(expectedService, match?.Backend.Service ?? NotFound);
    }

    [Fact]
    public void Build_ReportsTheLoserOfAConflict_AndTheWinnerIsTheOlderIngress()
    {
        var table = RouteTables.Build(Scenarios["merge"]);

        var conflict = Assert.Single(table.Conflicts);
        Assert.Equal("default/old", conflict.Winner);
        Assert.Equal("default/new", conflict.Loser);
        Assert.Equal("m.com", conflict.Host);
        Assert.Contains("default/new", conflict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TreatsPrefixWithAndWithoutTrailingSlashAsTheSamePath()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("a").Created(RouteTables.Older).Rule("t.com", "/p", "Prefix", "first", 80),
            Objects.Ingress("b").Created(RouteTables.Newer).Rule("t.com", "/p/", "Prefix", "second", 80),
        ]);

        Assert.Equal("first", table.Match("t.com", "/p/x")?.Backend.Service);
        Assert.Equal("default/b", Assert.Single(table.Conflicts).Loser);
    }

    [Fact]
    public void Build_UsesTheOldestIngressDefaultBackend()
    {
        var table = RouteTables.Build(
        [
            Objects.Ingress("late").Created(RouteTables.Newer).Default("late-default", 80),
            Objects.Ingress("early").Created(RouteTables.Older).Default("early-default", 80),
        ]);

        Assert.Equal("early-default", table.Match("any.com", "/")?.Backend.Service);
        Assert.Equal("default/late", Assert.Single(table.Conflicts).Loser);
    }

    [Fact]
    public void GlobalDefaultBackend_AnswersWhatNoIngressDoes_AndLosesToEveryIngressDefault()
    {
        var global = IngressRoutes.GlobalDefault(new BackendRef("ingress", "fallback", 80, null));
        var shop = IngressTranslator.Translate(Objects.Ingress("shop").Rule("shop.com", "/cart", "Prefix", "cart", 80)).Value!;

        var table = RouteTableBuilder.Build([shop, global]);
        Assert.Equal("fallback", table.Match("unknown.com", "/")?.Backend.Service);
        Assert.Equal("fallback", table.Match("shop.com", "/other")?.Backend.Service);
        Assert.Equal("cart", table.Match("shop.com", "/cart/1")?.Backend.Service);
        Assert.Empty(table.Conflicts);

        // An Ingress's spec.defaultBackend wins: for its own hosts' path misses, and as the catch-all of unknown
        // hosts (with no conflict reported against the global one); other hosts' misses still go to the global one.
        var blog = IngressTranslator.Translate(Objects.Ingress("blog").Rule("blog.com", "/posts", "Prefix", "blog", 80).Default("blog-default", 80)).Value!;
        var withBlog = RouteTableBuilder.Build([shop, global, blog]);
        Assert.Equal("blog-default", withBlog.Match("blog.com", "/other")?.Backend.Service);
        Assert.Equal("blog-default", withBlog.Match("unknown.com", "/")?.Backend.Service);
        Assert.Equal("fallback", withBlog.Match("shop.com", "/other")?.Backend.Service);
        Assert.Empty(withBlog.Conflicts);

        // Without it, a path miss is 404, as before.
        Assert.Null(RouteTableBuilder.Build([shop]).Match("shop.com", "/other"));
    }

    [Fact]
    public void Build_IsIndependentOfInputOrder()
    {
        var ingresses = Scenarios.Values.SelectMany(s => s).ToArray();

        var forward = RouteTables.Build(ingresses);
        var backward = RouteTables.Build([.. ingresses.Reverse()]);

        // ImmutableArray's own Equals compares references; compare the elements.
        Assert.Equal(forward.Entries.AsEnumerable(), backward.Entries.AsEnumerable());
        Assert.Equal(forward.Conflicts.AsEnumerable(), backward.Conflicts.AsEnumerable());
    }

    [Fact]
    public void Match_FindsEveryRouteOfALargeTable()
    {
        // 20,000 hosts with nested prefixes: each is found and a near miss is not; the benchmark measures the cost.
        var builder = Objects.Ingress("big");
        for (var i = 0; i < 20_000; i++)
        {
            builder.Rule($"h{i}.example.com", $"/svc/{i}", "Prefix", $"s{i % 7}", 80);
        }

        var table = RouteTables.Build([builder]);

        for (var i = 0; i < 20_000; i += 997)
        {
            Assert.Equal($"s{i % 7}", table.Match($"h{i}.example.com", $"/svc/{i}/deep")?.Backend.Service);
            Assert.Null(table.Match($"h{i}.example.com", $"/svc/{i + 1}"));
        }
    }

    [Fact]
    public void Update_AfterRandomChanges_EqualsAFullBuild()
    {
        // Random adds, edits and removals of Ingresses that share hosts, paths and default backends: after each
        // step the incrementally updated table must be the table a full build gives.
        var random = new Random(42);
        string[] hosts = ["a.com", "b.com", "*.w.com", "x.w.com", ""];
        string[] paths = ["/", "/a", "/a/b", "/c"];
        var current = ImmutableDictionary<string, IngressRoutes>.Empty;
        var table = RouteTable.Empty;
        for (var step = 0; step < 400; step++)
        {
            var key = $"i{random.Next(12)}";
            var next = random.Next(4) == 0
                ? current.Remove($"default/{key}")
                : current.SetItem($"default/{key}", RandomIngress(random, key, hosts, paths));
            var changed = current.Keys.Union(next.Keys).Where(k => !Equals(current.GetValueOrDefault(k), next.GetValueOrDefault(k))).ToList();

            table = RouteTableBuilder.Update(table, current, next, changed);
            current = next;
            var full = RouteTableBuilder.Build(current.Values);

            Assert.Equal(full.Entries.AsEnumerable(), table.Entries.AsEnumerable());
            Assert.Equal(full.Conflicts.AsEnumerable(), table.Conflicts.AsEnumerable());
            Assert.Equal(full.DefaultBackend, table.DefaultBackend);
            foreach (var probe in new[] { "a.com", "B.com", "y.w.com", "x.w.com", "other.org", "alias.com", "www.a.com", "www.b.com" })
            {
                foreach (var path in new[] { "/a/b/c", "/A/b", "/cd", "/" })
                {
                    Assert.Equal(full.Match(probe, path), table.Match(probe, path));
                }
            }
        }
    }

    private static IngressRoutes RandomIngress(Random random, string name, string[] hosts, string[] paths)
    {
        var rules = Enumerable.Range(0, random.Next(0, 4))
            .Select(_ => new RouteRule(
                hosts[random.Next(hosts.Length)] is { Length: > 0 } h ? h : null,
                paths[random.Next(paths.Length)],
                random.Next(2) == 0 ? PathMatch.Exact : PathMatch.Prefix,
                new BackendRef("default", $"s{random.Next(3)}", 80, null)))
            .ToImmutableArray();
        var fallback = random.Next(3) == 0 ? new BackendRef("default", "fallback", 80, null) : null;
        var options = IngressOptions.Default with
        {
            UseRegex = random.Next(5) == 0,
            ServerAlias = random.Next(5) == 0 ? "alias.com" : null,
            FromToWwwRedirect = random.Next(5) == 0,
        };
        return new IngressRoutes("default", name, DateTimeOffset.UnixEpoch.AddDays(random.Next(3)), rules, fallback) { Options = options };
    }
}

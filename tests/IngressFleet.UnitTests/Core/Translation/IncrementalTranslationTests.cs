using System.Text;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Tests.Fixtures;
using k8s.Models;

namespace IngressFleet.Tests.Core.Translation;

/// <summary>
/// A pass that rebuilds on the config in force (sharing what did not change, and reading the change off what it
/// set) must give what a translation sharing nothing gives, and a change equal to <see cref="RoutingConfig.DiffTo"/>.
/// Random sequences of edits to Ingresses, Services, EndpointSlices and Secrets, with and without the global
/// default backend, check both after every step.
/// </summary>
public sealed class IncrementalTranslationTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void EveryStep_GivesTheFullTranslation_AndTheChangeDiffToGives(int seed, bool withDefaultBackend)
    {
        var random = new Random(seed);
        var certificate = TestCertificates.Issue(["tls-0.test", "tls-1.test"]);
        var defaultBackend = withDefaultBackend ? new BackendRef("default", "fallback", 80, null) : null;
        var live = new Dictionary<string, object>(StringComparer.Ordinal);
        var cache = new IngressTranslationCache();
        var last = RoutingConfig.Empty;
        for (var step = 0; step < 400; step++)
        {
            Edit(live, random, certificate);
            var objects = ClusterObjects.From(live.Values);

            // Problems the source found itself (an unreadable file), which come and go between passes.
            ObjectProblem[] sourceProblems = [.. Enumerable.Range(0, random.Next(3)).Select(i => new ObjectProblem("File", string.Empty, $"f{random.Next(3)}.yaml", $"f{i}.yaml", ["not valid YAML"]))];
            var defaultCertificate = withDefaultBackend ? "default/site" : null;
            var (desired, change) = ConfigTranslator.TranslateChange(objects, IngressClassFilter.Default, last, sourceProblems, cache, defaultCertificate, defaultBackend: defaultBackend);

            // The same pass with nothing shared: every Ingress translated anew, into new instances, on a last good
            // config that holds only the Ingresses that still exist (what a failing edit keeps), so nothing stale
            // can survive in it.
            var exist = objects.Ingresses.Select(i => ObjectKeys.Of(ClusterObjects.NamespaceOf(i.Metadata), i.Metadata.Name)).ToHashSet(StringComparer.Ordinal);
            var kept = RoutingConfig.Empty with { Ingresses = RoutingConfig.Empty.Ingresses.SetItems(last.Ingresses.Where(i => exist.Contains(i.Key))) };
            var fresh = ConfigTranslator.Translate(objects, IngressClassFilter.Default, kept, sourceProblems, cache: null, defaultCertificate, defaultBackend: defaultBackend);
            AssertSame(fresh, desired, $"step {step}");
            AssertSame(last.DiffTo(desired), change, $"step {step}");
            AssertSame(desired, last.Apply(change, last.Version), $"step {step}");
            last = desired with { Version = last.Version + 1 };
        }
    }

    [Fact]
    public void AnUnchangedPass_ChangesNothing_AndSharesEveryItem()
    {
        var objects = ClusterObjects.From(
        [
            Objects.Ingress("a").Rule("a.test", "/", "Prefix", "web", 80).Build(),
            Objects.Ingress("b").Rule("b.test", "/", "Prefix", "web", 80).Build(),
            Objects.Service("web"),
        ]);
        var cache = new IngressTranslationCache();
        var (first, _) = ConfigTranslator.TranslateChange(objects, IngressClassFilter.Default, RoutingConfig.Empty, [], cache);

        var (second, change) = ConfigTranslator.TranslateChange(objects, IngressClassFilter.Default, first, [], cache);

        Assert.True(change.IsEmpty);
        Assert.All(first.Ingresses, i => Assert.Same(i.Value, second.Ingresses[i.Key]));
        Assert.All(first.Backends, b => Assert.Same(b.Value, second.Backends[b.Key]));
    }

    private static void Edit(Dictionary<string, object> live, Random random, TestCertificate certificate)
    {
        var name = $"n{random.Next(12)}";
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                live[$"Ingress/{name}"] = RandomIngress(name, random);
                break;
            case 3:
                live.Remove($"Ingress/{name}");
                break;
            case 4:
                var service = $"s{random.Next(4)}";
                if (!live.Remove($"Service/{service}"))
                {
                    live[$"Service/{service}"] = Objects.Service(service);
                }

                break;
            case 5:
                var sliced = $"s{random.Next(4)}";
                live[$"EndpointSlice/{sliced}"] = Objects.Slice(sliced, "default", null, 80, [.. Enumerable.Range(1, random.Next(3)).Select(i => ($"10.0.{random.Next(3)}.{i}", (bool?)(random.Next(4) != 0)))]);
                break;
            case 6:
                live.Remove($"EndpointSlice/s{random.Next(4)}");
                break;
            case 7:
                if (!live.Remove("Secret/users"))
                {
                    live["Secret/users"] = new V1Secret
                    {
                        Metadata = new V1ObjectMeta { Name = "users", NamespaceProperty = "default" },
                        Type = "Opaque",
                        Data = new Dictionary<string, byte[]> { ["auth"] = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "ann:{PLAIN}secret\n" : "bob:{PLAIN}other\n") },
                    };
                }

                break;
            case 8:
                if (!live.Remove("Secret/site"))
                {
                    live["Secret/site"] = TestCertificates.Secret("site", "default", certificate.CertificatePem, certificate.KeyPem);
                }

                break;
            default:
                // An edit that fails validation: the last good routes stay, unless the failure must close the Ingress.
                live[$"Ingress/{name}"] = Objects.Ingress(name).Rule($"{name}.test", "no-slash", "Prefix", "s0", 80).Build();
                break;
        }
    }

    private static V1Ingress RandomIngress(string name, Random random)
    {
        var builder = Objects.Ingress(name)
            .Created(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(5)))
            .Rule(random.Next(4) == 0 ? "shared.test" : $"{name}.test", $"/p{random.Next(3)}", random.Next(2) == 0 ? "Prefix" : "Exact", $"s{random.Next(4)}", 80);
        if (random.Next(3) == 0)
        {
            builder = builder.Default($"s{random.Next(4)}", 80);
        }

        if (random.Next(4) == 0)
        {
            builder = builder.Annotate("nginx.ingress.kubernetes.io/auth-type", "basic").Annotate("nginx.ingress.kubernetes.io/auth-secret", "users");
        }

        if (random.Next(4) == 0)
        {
            builder = builder.Annotate("nginx.ingress.kubernetes.io/custom-http-errors", "404,503");
        }

        if (random.Next(4) == 0)
        {
            builder = builder.Tls(random.Next(2) == 0 ? "site" : "missing", $"tls-{random.Next(2)}.test");
        }

        if (random.Next(6) == 0)
        {
            builder = builder.Annotate("nginx.ingress.kubernetes.io/auth-tls-secret", "site").Annotate("nginx.ingress.kubernetes.io/auth-tls-verify-client", "on");
        }

        if (random.Next(6) == 0)
        {
            builder = builder.Annotate("nginx.ingress.kubernetes.io/proxy-ssl-secret", "site").Annotate("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS");
        }

        if (random.Next(5) == 0)
        {
            builder = builder.Annotate("nginx.ingress.kubernetes.io/upstream-max-fails", random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.Build();
    }

    private static void AssertSame(RoutingConfig expected, RoutingConfig actual, string where)
    {
        AssertSame(expected.Ingresses, actual.Ingresses, $"{where}, ingresses");
        AssertSame(expected.Backends, actual.Backends, $"{where}, backends");
        AssertSame(expected.Problems, actual.Problems, $"{where}, problems");
        AssertSame(expected.Certificates, actual.Certificates, $"{where}, certificates");
    }

    private static void AssertSame<T>(IReadOnlyDictionary<string, T> expected, IReadOnlyDictionary<string, T> actual, string where)
    {
        Assert.True(expected.Keys.Order(StringComparer.Ordinal).SequenceEqual(actual.Keys.Order(StringComparer.Ordinal)), $"{where}: keys {string.Join(",", expected.Keys)} != {string.Join(",", actual.Keys)}");
        Assert.All(expected, e => Assert.True(Equals(e.Value, actual[e.Key]), $"{where}: {e.Key} differs"));
    }

    private static void AssertSame(ConfigChange expected, ConfigChange actual, string where)
    {
        Assert.Equal(expected.Ingresses.AsEnumerable(), actual.Ingresses.AsEnumerable());
        Assert.Equal(expected.RemovedIngresses.AsEnumerable(), actual.RemovedIngresses.AsEnumerable());
        Assert.Equal(expected.Backends.AsEnumerable(), actual.Backends.AsEnumerable());
        Assert.Equal(expected.RemovedBackends.AsEnumerable(), actual.RemovedBackends.AsEnumerable());
        Assert.Equal(expected.Problems.AsEnumerable(), actual.Problems.AsEnumerable());
        Assert.Equal(expected.RemovedProblems.AsEnumerable(), actual.RemovedProblems.AsEnumerable());
        Assert.Equal(expected.Certificates.AsEnumerable(), actual.Certificates.AsEnumerable());
        Assert.True(expected.RemovedCertificates.SequenceEqual(actual.RemovedCertificates), $"{where}: removed certificates differ");
    }
}

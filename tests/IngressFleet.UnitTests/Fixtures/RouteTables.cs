using IngressFleet.Core.Routing;
using IngressFleet.Core.Translation;
using k8s.Models;

namespace IngressFleet.Tests.Fixtures;

/// <summary>Route tables built by the real pipeline (translation, then merge) from Ingresses as users write them.</summary>
internal static class RouteTables
{
    public static readonly DateTime Older = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime Newer = new(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The table; an Ingress the translation rejects fails the test with its errors.</summary>
    public static RouteTable Build(IEnumerable<V1Ingress> ingresses) =>
        RouteTableBuilder.Build(ingresses.Select(i => IngressTranslator.Translate(i) is { Value: { } routes } ? routes : throw new InvalidOperationException(string.Join("; ", IngressTranslator.Translate(i).Errors))));
}

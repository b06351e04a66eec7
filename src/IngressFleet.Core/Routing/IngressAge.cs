using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>Ingresses oldest first (creation time, then namespace, then name): the order that decides conflicts.</summary>
public sealed class IngressAge : IComparer<IngressRoutes>
{
    public static IngressAge Instance { get; } = new();

    public int Compare(IngressRoutes? x, IngressRoutes? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var byTime = x.CreatedAt.CompareTo(y.CreatedAt);
        if (byTime != 0)
        {
            return byTime;
        }

        var byNamespace = string.CompareOrdinal(x.Namespace, y.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(x.Name, y.Name);
    }
}

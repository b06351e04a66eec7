using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>Two Ingresses claim the same host, path and path type (or both set a default backend); the older wins.</summary>
public sealed record RouteConflict(string Host, string Path, PathMatch Match, string Winner, string Loser)
{
    public string Reason => Path.Length == 0
        ? $"default backend of {Loser} is ignored: {Winner} is older and sets one too"
        : $"{Match} path \"{Path}\" on host \"{Host}\" of {Loser} is ignored: {Winner} is older and claims it too";
}

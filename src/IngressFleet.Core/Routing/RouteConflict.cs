using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// Two Ingresses claim the same host, path and path type (or both set a default backend); the older wins. With no
/// winner, the loser is a canary that no main Ingress has the host and path for.
/// </summary>
public sealed record RouteConflict(string Host, string Path, PathMatch Match, string Winner, string Loser)
{
    public string Reason => Winner.Length == 0
        ? $"canary {Loser} for {Match} path \"{Path}\" on host \"{Host}\" serves nothing: no Ingress that is not a canary has that host and path"
        : Path.Length == 0
        ? $"default backend of {Loser} is ignored: {Winner} is older and sets one too"
        : $"{Match} path \"{Path}\" on host \"{Host}\" of {Loser} is ignored: {Winner} is older and claims it too";
}

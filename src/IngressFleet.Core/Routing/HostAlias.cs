using IngressFleet.Core.Model;

namespace IngressFleet.Core.Routing;

/// <summary>
/// Another name for a host that a rule names: served like it (<c>server-alias</c>), or redirected to it
/// (<c>from-to-www-redirect</c>). A name that a rule names itself is never an alias; between Ingresses that
/// claim the same alias, the oldest wins.
/// </summary>
/// <param name="Host">The host it stands for.</param>
/// <param name="Group">The host's rules, when the alias is served like the host.</param>
/// <param name="Redirect">The redirect that answers every request for the alias, when it is redirected.</param>
internal sealed record HostAlias(string Host, HostGroup? Group, RouteEntry? Redirect)
{
    public static Dictionary<string, HostAlias> For(Dictionary<string, HostGroup> exactHosts, IEnumerable<IngressRoutes> ingresses)
    {
        var aliases = new Dictionary<string, HostAlias>(StringComparer.OrdinalIgnoreCase);
        foreach (var ingress in ingresses.OrderBy(i => i, IngressAge.Instance))
        {
            var hosts = ingress.Rules.Select(r => r.Host).OfType<string>()
                .Where(h => !h.StartsWith("*.", StringComparison.Ordinal) && exactHosts.ContainsKey(h))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (hosts.Count == 0)
            {
                continue;
            }

            // As ingress-nginx: the aliases join the server of the Ingress's first host, with every path of that host.
            foreach (var name in (ingress.Options.ServerAlias ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!exactHosts.ContainsKey(name))
                {
                    aliases.TryAdd(name, new HostAlias(hosts[0], exactHosts[hosts[0]], null));
                }
            }

            if (!ingress.Options.FromToWwwRedirect)
            {
                continue;
            }

            foreach (var host in hosts)
            {
                var other = host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : "www." + host;
                if (!exactHosts.ContainsKey(other) && other.Contains('.', StringComparison.Ordinal))
                {
                    var backend = ingress.Rules.First(r => string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase)).Backend;
                    var redirect = new RouteEntry(other, string.Empty, PathMatch.Prefix, backend, ingress.Key) { RedirectToHost = host };
                    aliases.TryAdd(other, new HostAlias(host, null, redirect));
                }
            }
        }

        return aliases;
    }
}

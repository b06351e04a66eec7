using System.Collections.Frozen;
using IngressFleet.Core.Model;
using IngressFleet.Core.Routing;

namespace IngressFleet.DataPlane.Tls;

/// <summary>
/// Which certificate a TLS handshake gets, by SNI name: the hosts of every served Ingress's <c>spec.tls</c>,
/// exact names first, then <c>*.suffix</c> wildcards covering one label; anything else (no SNI, an unknown
/// name, a host whose Secret is missing) gets the default certificate. When two Ingresses bind one host to
/// different Secrets, the older Ingress wins, as for routes. Immutable; built with each config version.
/// </summary>
internal sealed class CertificateTable
{
    private readonly FrozenDictionary<string, ServerCertificate> _exact;
    private readonly FrozenDictionary<string, ServerCertificate> _wildcard;
    private readonly FrozenDictionary<string, ServerCertificate>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly FrozenDictionary<string, ServerCertificate>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly FrozenDictionary<string, ClientCertificatePolicy> _clientExact;
    private readonly FrozenDictionary<string, ClientCertificatePolicy> _clientWildcard;
    private readonly FrozenDictionary<string, ClientCertificatePolicy>.AlternateLookup<ReadOnlySpan<char>> _clientExactLookup;
    private readonly FrozenDictionary<string, ClientCertificatePolicy>.AlternateLookup<ReadOnlySpan<char>> _clientWildcardLookup;
    private readonly FrozenDictionary<string, string> _passthrough;

    private CertificateTable(
        Dictionary<string, ServerCertificate> exact,
        Dictionary<string, ServerCertificate> wildcard,
        ServerCertificate defaultCertificate,
        IReadOnlyDictionary<string, ServerCertificate> bySecret,
        IReadOnlyDictionary<string, IReadOnlyList<string>> hostsBySecret,
        Dictionary<string, ClientCertificatePolicy>? clientExact = null,
        Dictionary<string, ClientCertificatePolicy>? clientWildcard = null,
        Dictionary<string, string>? passthrough = null)
    {
        _passthrough = (passthrough ?? []).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _clientExact = (clientExact ?? []).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _clientWildcard = (clientWildcard ?? []).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _clientExactLookup = _clientExact.GetAlternateLookup<ReadOnlySpan<char>>();
        _clientWildcardLookup = _clientWildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcard = wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        Default = defaultCertificate;
        BySecret = bySecret;
        HostsBySecret = hostsBySecret;
    }

    public ServerCertificate Default { get; }

    /// <summary>The loaded certificate of each Secret (<c>namespace/name</c>).</summary>
    public IReadOnlyDictionary<string, ServerCertificate> BySecret { get; }

    /// <summary>The client-certificate checks in force, kept across versions while unchanged (with what they remember).</summary>
    public IEnumerable<ClientCertificatePolicy> Policies => _clientExact.Values.Concat(_clientWildcard.Values).Distinct();

    /// <summary>The SNI names each Secret's certificate is presented for.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> HostsBySecret { get; }

    public static CertificateTable Empty(ServerCertificate defaultCertificate) =>
        new([], [], defaultCertificate, new Dictionary<string, ServerCertificate>(), new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>
    /// The client-certificate check of <paramref name="host"/>, if an Ingress naming it asks for one: then
    /// every request to the host needs it, as nginx's server-level <c>ssl_verify_client</c> does.
    /// </summary>
    public ClientCertificatePolicy? ClientCertificateFor(string? host)
    {
        if (_clientExact.Count == 0 && _clientWildcard.Count == 0 || string.IsNullOrEmpty(host))
        {
            return null;
        }

        var name = HostName.WithoutPort(host);
        if (_clientExactLookup.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var suffix = HostName.WildcardSuffix(name);
        return !suffix.IsEmpty && _clientWildcardLookup.TryGetValue(suffix, out var wildcard) ? wildcard : null;
    }

    /// <summary>The backend (key) a TLS connection for <paramref name="serverName"/> is passed through to untouched, if its Ingress asks for SSL passthrough.</summary>
    public string? PassthroughBackendFor(string? serverName) =>
        _passthrough.Count > 0 && serverName is not null && _passthrough.TryGetValue(serverName, out var backend) ? backend : null;

    /// <summary>The handshake options for <paramref name="serverName"/>: its certificate, asking for a client certificate where its host wants one.</summary>
    public System.Net.Security.SslServerAuthenticationOptions OptionsFor(string? serverName)
    {
        var certificate = Select(serverName);
        return ClientCertificateFor(serverName) is null ? certificate.Options : certificate.OptionsAskingClientCertificate;
    }

    public ServerCertificate Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }

        var name = HostName.WithoutPort(serverName);
        if (_exactLookup.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var suffix = HostName.WildcardSuffix(name);
        return !suffix.IsEmpty && _wildcardLookup.TryGetValue(suffix, out var wildcard) ? wildcard : Default;
    }

    /// <param name="config">The config version being applied.</param>
    /// <param name="previous">The table in force: certificates that did not change are reused, not parsed again.</param>
    /// <param name="selfSigned">The certificate to present when no default certificate Secret is configured or valid.</param>
    /// <param name="defaultSecret">The <c>namespace/name</c> of the default certificate's Secret, if configured.</param>
    public static CertificateTable Build(RoutingConfig config, CertificateTable previous, ServerCertificate selfSigned, string? defaultSecret)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(previous);
        var bySecret = new Dictionary<string, ServerCertificate>(StringComparer.Ordinal);
        foreach (var (key, certificate) in config.Certificates)
        {
            bySecret[key] = previous.BySecret.TryGetValue(key, out var loaded) && Equals(loaded.Source, certificate)
                ? loaded
                : ServerCertificate.From(certificate);
        }

        var defaultCertificate = defaultSecret is not null && bySecret.TryGetValue(defaultSecret, out var configured) ? configured : selfSigned;
        var exact = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, ServerCertificate>(StringComparer.OrdinalIgnoreCase);
        var hostsBySecret = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var handshaking = config.Ingresses.Values.Where(i => i.TakesPartInHandshake).Order(IngressAge.Instance).ToList();
        foreach (var ingress in handshaking)
        {
            foreach (var binding in ingress.Tls)
            {
                var secretKey = binding.SecretName is null ? null : ObjectKeys.Of(ingress.Namespace, binding.SecretName);
                var certificate = secretKey is not null && bySecret.TryGetValue(secretKey, out var found) ? found : defaultCertificate;
                foreach (var host in binding.Hosts)
                {
                    var (table, name) = host.StartsWith("*.", StringComparison.Ordinal) ? (wildcard, host[2..]) : (exact, host);
                    if (table.TryAdd(name, certificate) && certificate.Source is { } source)
                    {
                        (hostsBySecret.TryGetValue(source.Key, out var hosts) ? hosts : hostsBySecret[source.Key] = []).Add(host);
                    }
                }
            }
        }

        var clientExact = new Dictionary<string, ClientCertificatePolicy>(StringComparer.OrdinalIgnoreCase);
        var clientWildcard = new Dictionary<string, ClientCertificatePolicy>(StringComparer.OrdinalIgnoreCase);
        var policies = new Dictionary<ClientCertificateAuth, ClientCertificatePolicy>();
        foreach (var ingress in handshaking.Where(i => i.Options.ClientCertificate is not null))
        {
            var auth = ingress.Options.ClientCertificate!;
            var policy = policies.TryGetValue(auth, out var made) ? made
                : policies[auth] = previous.Policies.FirstOrDefault(p => p.Auth == auth) ?? new ClientCertificatePolicy(auth);
            foreach (var host in ingress.Rules.Select(r => r.Host).OfType<string>().Concat(ingress.Tls.SelectMany(t => t.Hosts)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                _ = host.StartsWith("*.", StringComparison.Ordinal) ? clientWildcard.TryAdd(host[2..], policy) : clientExact.TryAdd(host, policy);
            }
        }

        // SSL passthrough: a host's connections go to the backend of its root path (else its first rule), oldest Ingress first.
        var passthrough = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var ingress in handshaking.Where(i => i.Options.SslPassthrough))
        {
            foreach (var rule in ingress.Rules.Where(r => r.Host is not null).OrderBy(r => r.Path == "/" ? 0 : 1))
            {
                passthrough.TryAdd(rule.Host!, rule.Backend.Key);
            }
        }

        return new CertificateTable(
            exact,
            wildcard,
            defaultCertificate,
            bySecret,
            hostsBySecret.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal),
            clientExact,
            clientWildcard,
            passthrough);
    }
}

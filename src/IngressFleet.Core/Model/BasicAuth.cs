using System.Collections.Frozen;
using IngressFleet.Core.Authentication;

namespace IngressFleet.Core.Model;

/// <summary>
/// HTTP basic authentication of an Ingress (ingress-nginx's <c>auth-type: basic</c>): the users of a Secret
/// (<c>namespace/name</c>), an htpasswd file in its key <c>auth</c> or, with <see cref="AuthMap"/>, one key per
/// user. Translation reads the Secret into <see cref="Credentials"/>; while it cannot (missing, or no usable
/// entry), <see cref="Unavailable"/> says why and every request is refused, never let through.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.BasicAuth")]
public sealed record BasicAuth(string Secret, bool AuthMap, string Realm)
{
    /// <summary>The Secret's usable entries as sorted <c>user:hash</c> lines; null until read, or when it could not be.</summary>
    [Id(0)]
    public string? Credentials { get; init; }

    /// <summary>Why no credentials are in force, when none are.</summary>
    [Id(1)]
    public string? Unavailable { get; init; }

    [NonSerialized]
    private FrozenDictionary<string, string>? _users;

    /// <summary>Each user's stored hash.</summary>
    public FrozenDictionary<string, string> Users => _users ??= Htpasswd.Parse(Credentials ?? string.Empty).Users;

    public bool Equals(BasicAuth? other) =>
        other is not null && Secret == other.Secret && AuthMap == other.AuthMap && Realm == other.Realm
        && Credentials == other.Credentials && Unavailable == other.Unavailable;

    public override int GetHashCode() => HashCode.Combine(Secret, AuthMap, Realm, Credentials, Unavailable);

    /// <summary>Shown instead of the record (the admin API, logs): never the hashes.</summary>
    public override string ToString() => $"BasicAuth {{ Secret = {Secret}, Users = {Users.Count}, Unavailable = {Unavailable} }}";
}

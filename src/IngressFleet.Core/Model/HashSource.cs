namespace IngressFleet.Core.Model;

/// <summary>What consistent hashing hashes.</summary>
public enum HashSource
{
    Header,
    Cookie,
    ClientAddress,

    /// <summary>nginx variables, as ingress-nginx's <c>upstream-hash-by</c> writes them (<c>$request_uri</c>, <c>$http_x_user$arg_id</c>): the key is their values.</summary>
    Variables,
}

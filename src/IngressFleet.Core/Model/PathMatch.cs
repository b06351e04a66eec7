namespace IngressFleet.Core.Model;

/// <summary>How a rule's path is compared with a request path (Ingress v1 <c>pathType</c>).</summary>
/// <remarks><c>ImplementationSpecific</c> is translated to <see cref="Prefix"/>.</remarks>
[GenerateSerializer, Alias("ingressfleet.PathMatch")]
public enum PathMatch
{
    /// <summary>The whole path, case-sensitively.</summary>
    Exact = 0,

    /// <summary>Element-wise prefix of the path split by '/', case-sensitively.</summary>
    Prefix = 1,
}

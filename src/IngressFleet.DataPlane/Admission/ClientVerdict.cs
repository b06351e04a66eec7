namespace IngressFleet.DataPlane.Admission;

/// <summary>What a client's limits say of one request.</summary>
public enum ClientVerdict
{
    Admitted,

    /// <summary>Over <c>limit-rps</c> or <c>limit-rpm</c> (with their bursts).</summary>
    RateExceeded,

    /// <summary>Over <c>limit-connections</c>: as many of the client's requests as allowed are in flight.</summary>
    ConnectionsExceeded,

    /// <summary>A new client while <see cref="ClientLimiter.MaxClients"/> are tracked.</summary>
    TooManyClients,

    /// <summary>The client's counters were being forgotten: look them up again.</summary>
    Forgotten,
}

namespace IngressFleet.Core.Model;

/// <summary>How requests reach a backend's pods.</summary>
public enum BackendProtocol
{
    /// <summary>HTTPS when the Service port is named <c>https</c> or is 443, else HTTP/1.1.</summary>
    Auto,
    Http,
    Https,

    /// <summary>HTTP/2 without TLS (prior knowledge).</summary>
    H2c,

    /// <summary>gRPC: HTTP/2 without TLS.</summary>
    Grpc,

    /// <summary>gRPC over TLS.</summary>
    Grpcs,
}

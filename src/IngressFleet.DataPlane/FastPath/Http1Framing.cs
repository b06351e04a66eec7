namespace IngressFleet.DataPlane.FastPath;

/// <summary>How a response's body ends (RFC 9112 section 6.3).</summary>
internal enum Http1Framing
{
    /// <summary>No body: a HEAD request's response, 1xx, 204, 304.</summary>
    None,

    /// <summary>Exactly <c>Content-Length</c> bytes.</summary>
    Length,

    /// <summary><c>Transfer-Encoding: chunked</c>.</summary>
    Chunked,

    /// <summary>Until the backend closes the connection.</summary>
    UntilClose,
}

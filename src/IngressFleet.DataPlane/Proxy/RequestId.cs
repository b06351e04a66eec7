namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// <c>X-Request-ID</c> as ingress-nginx sends it: the client's own, passed through, or 32 random hex digits (nginx's
/// <c>$request_id</c>) when it sent none. The backend, the client's response, the access log and the trace all carry it.
/// </summary>
internal static class RequestId
{
    public const string Header = "X-Request-ID";

    /// <summary>A client's id longer than this, or with other than printable ASCII, is replaced.</summary>
    public const int MaxLength = 200;

    /// <summary>The request's id, set on the request (for the backend) and on the response.</summary>
    public static string Ensure(HttpContext context)
    {
        var headers = context.Request.Headers;
        var sent = headers[Header];
        string id;
        if (sent.Count == 1 && IsUsable(sent[0]))
        {
            id = sent[0]!;
        }
        else
        {
            id = New();
            headers[Header] = id;
        }

        context.Response.Headers[Header] = id;
        return id;
    }

    /// <summary>The request's id, as <see cref="Ensure"/> left it.</summary>
    public static string? Of(HttpContext context) => context.Request.Headers[Header] is { Count: 1 } id ? id[0] : null;

    /// <summary>
    /// 128 random bits from the shared non-cryptographic generator: an id names a request, it guards nothing, and the
    /// cryptographic one costs a system call per request.
    /// </summary>
    private static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static bool IsUsable(string? value)
    {
        if (value is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or >= '\x7f')
            {
                return false;
            }
        }

        return true;
    }
}

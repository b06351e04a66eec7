namespace IngressFleet.Core.Model;

/// <summary>
/// When a failed forward is tried again on another destination (ingress-nginx's <c>proxy-next-upstream</c>,
/// <c>-tries</c>, <c>-timeout</c>). Only a request whose body has not been sent is tried again: one without a body,
/// or any whose connection could not be opened (nothing was sent); a non-idempotent one (POST, LOCK, PATCH) only
/// when the connection could not be opened, unless <see cref="NonIdempotent"/>.
/// </summary>
/// <param name="OnError">On an error connecting, sending the request or reading the response head (nginx's <c>error</c>, <c>invalid_header</c>).</param>
/// <param name="OnTimeout">On a timeout connecting or waiting for the response (nginx's <c>timeout</c>).</param>
/// <param name="Statuses">Response statuses tried again (nginx's <c>http_500</c>... ), one bit each: see <see cref="StatusBit"/>.</param>
/// <param name="NonIdempotent">Non-idempotent requests are tried again too (nginx's <c>non_idempotent</c>).</param>
/// <param name="Tries">Attempts in all, the first included; 0 for as many as there are destinations.</param>
/// <param name="Timeout">How long the attempts together may take; zero for no limit.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.NextUpstream")]
public sealed record NextUpstream(bool OnError, bool OnTimeout, int Statuses, bool NonIdempotent, int Tries, TimeSpan Timeout)
{
    /// <summary>ingress-nginx's default: <c>error timeout</c>, 3 tries, no time limit.</summary>
    public static NextUpstream Default { get; } = new(OnError: true, OnTimeout: true, Statuses: 0, NonIdempotent: false, Tries: 3, TimeSpan.Zero);

    /// <summary>The statuses that can be tried again, in bit order.</summary>
    public static IReadOnlyList<int> RetryableStatuses { get; } = [403, 404, 429, 500, 502, 503, 504];

    /// <summary>The bit of <paramref name="status"/> in <see cref="Statuses"/>, 0 for a status that is never tried again.</summary>
    public static int StatusBit(int status)
    {
        for (var i = 0; i < RetryableStatuses.Count; i++)
        {
            if (RetryableStatuses[i] == status)
            {
                return 1 << i;
            }
        }

        return 0;
    }

    /// <summary>Whether a response with <paramref name="status"/> is tried again.</summary>
    public bool RetriesStatus(int status) => Statuses != 0 && (Statuses & StatusBit(status)) != 0;
}

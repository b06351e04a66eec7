using IngressFleet.Core.Model;
using IngressFleet.DataPlane.LoadBalancing;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.Proxy;

/// <summary>
/// The attempts one request may still make on other destinations (<see cref="NextUpstream"/>): never more than
/// the tries, never the same destination twice, never past the time limit, and never a request whose body may
/// have been sent (bodies are streamed, not buffered as nginx does, so they cannot be sent again).
/// </summary>
internal sealed class RetryBudget
{
    private readonly NextUpstream _policy;
    private readonly int _attempts;
    private readonly bool _repeatable;
    private readonly long _started;
    private readonly HashSet<int> _tried = [];

    /// <param name="started">When the first attempt started (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</param>
    public RetryBudget(NextUpstream policy, int destinations, HttpContext context, long started)
    {
        _policy = policy;
        _attempts = policy.Tries == 0 ? destinations : Math.Min(policy.Tries, destinations);
        _repeatable = !HasBody(context) && (policy.NonIdempotent || IsIdempotent(context.Request.Method));
        _started = started;
    }

    /// <summary>Whether the coming attempt may hold back a response to try again (it is not the last one, and the request can be sent again).</summary>
    public bool MayRetryStatus => _policy.Statuses != 0 && _repeatable && _tried.Count + 1 < _attempts && WithinTime;

    /// <summary>Whether a response with <paramref name="status"/> is tried again, by the policy.</summary>
    public bool RetriesStatus(int status) => _policy.RetriesStatus(status);

    private bool WithinTime => _policy.Timeout <= TimeSpan.Zero || System.Diagnostics.Stopwatch.GetElapsedTime(_started) < _policy.Timeout;

    /// <summary>Why the failed attempt is tried again (nginx's condition name), or null when it is not.</summary>
    public string? Reason(ForwarderError error, HttpContext context)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        if (error == ForwarderError.Request && IsConnectFailure(exception))
        {
            // Nothing was sent: any request may go to another destination, body and all.
            var timedOut = Core.Logging.ExceptionChain.Innermost(exception) is TimeoutException;
            return (timedOut ? _policy.OnTimeout : _policy.OnError) ? timedOut ? "timeout" : "error" : null;
        }

        return error switch
        {
            ForwarderError.Request when _policy.OnError && _repeatable => "error",
            ForwarderError.RequestTimedOut when _policy.OnTimeout && _repeatable => "timeout",
            _ => null,
        };
    }

    /// <summary>The next destination to try after <paramref name="failed"/>, or null when the budget is spent.</summary>
    public int? Next(BackendPool pool, int failed)
    {
        _tried.Add(failed);
        if (_tried.Count >= _attempts || !WithinTime)
        {
            return null;
        }

        // The balancer's choice when it is new, else the next untried one in order: healthy or not, as nginx does.
        var picked = pool.Pick(LoadBalancingPolicy.PowerOfTwoChoices);
        for (var i = 0; i < pool.Count; i++)
        {
            var candidate = (Math.Max(picked, 0) + i) % pool.Count;
            if (!_tried.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);

    /// <summary>nginx's rule: POST, LOCK and PATCH are not idempotent.</summary>
    private static bool IsIdempotent(string method) => !(HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || method == "LOCK");

    private static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
            {
                return true;
            }
        }

        return false;
    }
}

using System.Collections.Concurrent;
using System.Net;
using IngressFleet.Core.Authentication;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Proxy;

namespace IngressFleet.DataPlane.Authentication;

/// <summary>
/// Asks an Ingress's auth service about each request, as ingress-nginx's <c>auth_request</c> does: the
/// original request's headers (no body) plus <c>X-Original-URL</c>, <c>X-Original-Method</c>,
/// <c>X-Auth-Request-Redirect</c>, <c>X-Real-IP</c>, <c>X-Forwarded-For</c> and <c>X-Sent-From</c>. The
/// service's address goes through the backend address policy (<see cref="BackendConnector"/>), so an
/// <c>auth-url</c> cannot reach what a backend may not.
/// </summary>
public sealed class ExternalAuthenticator : IDisposable
{
    /// <summary>How long the service may take to answer; then the request gets 500.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const int CacheLimit = 10_000;

    // Hop-by-hop and body headers are not the auth request's; Host is the auth URL's.
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Content-Type",
        "Expect", "X-Forwarded-Proto", "X-Original-URL", "X-Original-Method", "X-Auth-Request-Redirect", "X-Real-IP", "X-Forwarded-For", "X-Sent-From",
    };

    private readonly HttpMessageInvoker _client;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, AuthAnswer Answer)> _cache = new(StringComparer.Ordinal);

    public ExternalAuthenticator(BackendConnector connector, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connector);
        _time = time;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ConnectCallback = connector.ConnectAsync,
        });
    }

    /// <summary>The service's answer about <paramref name="context"/>'s request.</summary>
    public async Task<AuthAnswer> AskAsync(HttpContext context, ExternalAuth auth)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auth);
        string? Variable(string name) => NginxVariables.Of(context, name);
        var url = RequestVariables.Expand(auth.Url, Variable);
        var cacheKey = auth.CacheKey is null ? null : $"{url}\n{RequestVariables.Expand(auth.CacheKey, Variable)}";
        if (cacheKey is not null && _cache.TryGetValue(cacheKey, out var cached) && cached.Until > _time.GetUtcNow())
        {
            return cached.Answer;
        }

        AuthAnswer answer;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(auth.Method), url);
            var incoming = context.Request;
            foreach (var (name, values) in incoming.Headers)
            {
                if (!NotCopied.Contains(name))
                {
                    request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
                }
            }

            var client = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
            request.Headers.TryAddWithoutValidation("X-Original-URL", $"{incoming.Scheme}://{incoming.Host}{NginxVariables.RequestUri(context)}");
            request.Headers.TryAddWithoutValidation("X-Original-Method", incoming.Method);
            request.Headers.TryAddWithoutValidation("X-Auth-Request-Redirect", auth.RequestRedirect is { } redirect ? RequestVariables.Expand(redirect, Variable) : NginxVariables.RequestUri(context));
            request.Headers.TryAddWithoutValidation("X-Real-IP", client);
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", client);
            request.Headers.TryAddWithoutValidation("X-Sent-From", "nginx-ingress-controller");
            request.Headers.TryAddWithoutValidation("X-Request-ID", context.TraceIdentifier);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(Timeout);
            using var response = await _client.SendAsync(request, timeout.Token);
            answer = AuthAnswer.From(response, auth);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or UriFormatException)
        {
            return AuthAnswer.Failed(context.RequestAborted.IsCancellationRequested ? "the client went away" : $"the auth service did not answer: {e.Message}");
        }

        if (cacheKey is not null && auth.CacheDuration.Covers(answer.Status))
        {
            if (_cache.Count >= CacheLimit)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = (_time.GetUtcNow() + auth.CacheDuration.Duration, answer);
        }

        return answer;
    }

    /// <summary>Where a client the service refused is sent to sign in: the sign-in URL with the original URL as its redirect parameter.</summary>
    public static string SignInLocation(HttpContext context, ExternalAuth auth)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(auth);
        var signIn = RequestVariables.Expand(auth.SignIn!, name => NginxVariables.Of(context, name));
        if (signIn.Contains($"{auth.SignInRedirectParam}=", StringComparison.Ordinal))
        {
            return signIn;
        }

        var request = context.Request;
        var original = RequestVariables.Escape($"{request.Scheme}://{request.Host}{NginxVariables.RequestUri(context)}");
        return $"{signIn}{(signIn.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{auth.SignInRedirectParam}={original}";
    }

    public void Dispose() => _client.Dispose();
}

using System.Diagnostics;
using IngressFleet.Core.Logging;
using IngressFleet.DataPlane.Proxy;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>
/// The forwarder the proxy handler calls: plain HTTP/1.1 requests it forwards itself, over pooled connections with one
/// write per request and the response copied straight into Kestrel's output (no <see cref="HttpRequestMessage"/>, no
/// <see cref="SocketsHttpHandler"/>, no header copies between them); everything else goes to YARP's forwarder as
/// before. It takes a request only when its answer would be the same byte for byte as YARP's path: an Ingress that
/// changes nothing of what its backend sees, the default backend client (plain HTTP), no upgrade, no <c>Expect</c>,
/// a body of known length up to <see cref="Http1Request.MaxBodyLength"/>, no recorded trace (whose backend call is a span YARP's client makes), a target and
/// headers that need no escaping. Off with <see cref="ProxyOptions.Http1FastPath"/>.
/// </summary>
internal sealed partial class Http1Forwarder : IHttpForwarder
{
    private readonly IHttpForwarder _yarp;
    private readonly BackendClients _backends;
    private readonly Http1ConnectionPool _pool;
    private readonly ILogger<Http1Forwarder> _logger;
    private readonly bool _enabled;
    private readonly TimeSpan _activityTimeout;
    private readonly TracePropagation _propagation = new(DistributedContextPropagator.Current);
    private long _forwarded;

    public Http1Forwarder(IHttpForwarder yarp, BackendClients backends, Http1ConnectionPool pool, IOptions<ProxyOptions> options, ILogger<Http1Forwarder> logger)
    {
        _yarp = yarp;
        _backends = backends;
        _pool = pool;
        _logger = logger;
        _enabled = options.Value.Http1FastPath;
        _activityTimeout = options.Value.UpstreamActivityTimeout;
    }

    /// <summary>Requests forwarded on the fast path since start (the rest went through YARP's forwarder).</summary>
    public long Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Connections to backends the fast path holds open.</summary>
    public int Connections => _pool.Connections;

    public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer) =>
        SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, CancellationToken.None);

    public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer, CancellationToken cancellationToken)
    {
        // A recorded trace's backend call is a span of its own, which YARP's client makes; an unrecorded one's context is passed on here.
        var trace = Activity.Current;
        if (!_enabled || !ReferenceEquals(transformer, ForwardedHeadersTransformer.Instance) || !ReferenceEquals(httpClient, _backends.Default)
            || requestConfig.Version is { Major: not 1 } || trace is { Recorded: true } || cancellationToken.CanBeCanceled
            || _pool.For(destinationPrefix) is not { } endpoint || Http1Request.TryCreate(context, trace, _propagation) is not { } request)
        {
            return _yarp.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken);
        }

        var activityTimeout = requestConfig.ActivityTimeout ?? _activityTimeout;
        if (activityTimeout < Http1ConnectionPool.MinActivityTimeout)
        {
            request.Dispose();
            return _yarp.SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, cancellationToken);
        }

        Interlocked.Increment(ref _forwarded);
        return ForwardAsync(context, endpoint, request, activityTimeout);
    }

    private async ValueTask<ForwarderError> ForwardAsync(HttpContext context, Http1Endpoint endpoint, Http1Request request, TimeSpan activityTimeout)
    {
        using var _ = request;
        var fresh = false;
        while (true)
        {
            Http1Connection connection;
            try
            {
                connection = fresh ? await _pool.ConnectAsync(endpoint, context.RequestAborted) : await _pool.TakeAsync(endpoint, context.RequestAborted);
            }
            catch (Exception e)
            {
                // Shaped as SocketsHttpHandler shapes a failed connect, so the retry policy knows nothing was sent; unless the
                // client's body was read already (a second connect, after the first connection went bad), which no other
                // destination can be sent now.
                return context.RequestAborted.IsCancellationRequested
                    ? Fail(context, ForwarderError.RequestCanceled, StatusCodes.Status400BadRequest, e)
                    : Fail(context, ForwarderError.Request, StatusCodes.Status502BadGateway, request.BodyRead
                        ? new IOException($"connecting again after the request's body was read failed: {e.Message}", e)
                        : e as HttpRequestException ?? new HttpRequestException(HttpRequestError.ConnectionError, e.Message, e));
            }

            if (request.HasBody && !request.BodyRead && await ReadBodyAsync(context, request) is var bodyError and not ForwarderError.None)
            {
                // Read once a connection is had, so a connect that fails leaves the body unread for the next destination.
                (connection.Endpoint ?? endpoint).Remove(connection);
                return bodyError;
            }

            connection.Begin(activityTimeout);
            var kept = false;
            try
            {
                using (context.RequestAborted.UnsafeRegister(static state => ((Http1Connection)state!).Abort(), connection))
                {
                    Http1ResponseHead head;
                    try
                    {
                        if (!await connection.SendAsync(request.Bytes))
                        {
                            // Bytes came in on the idle connection after it was taken: unasked, so it is dropped, nothing sent on it.
                            fresh = true;
                            continue;
                        }

                        head = await connection.ReadHeadAsync(request.IsHead);
                    }
                    catch (Exception e) when (!context.RequestAborted.IsCancellationRequested && !connection.TimedOut && connection.Reused && !connection.Received && !fresh && !request.HasBody)
                    {
                        // The backend closed the kept-alive connection as the request went out, before answering a byte: sent
                        // again, once, on a new connection (as SocketsHttpHandler does). Not a request with a body, which the
                        // backend may have acted on before it went away.
                        Log.RetryingOnNewConnection(_logger, endpoint.Prefix, e.Message);
                        fresh = true;
                        continue;
                    }
                    catch (Exception e)
                    {
                        return context.RequestAborted.IsCancellationRequested ? Fail(context, ForwarderError.RequestCanceled, StatusCodes.Status400BadRequest, e)
                            : connection.TimedOut ? Fail(context, ForwarderError.RequestTimedOut, StatusCodes.Status504GatewayTimeout, e)
                            : Fail(context, ForwarderError.Request, StatusCodes.Status502BadGateway, e);
                    }

                    try
                    {
                        connection.Apply(head, context);
                    }
                    catch (Exception e)
                    {
                        // A header Kestrel will not send (a control character, say): as YARP, a bad gateway, not a 500.
                        context.Response.Clear();
                        return Fail(context, ForwarderError.ResponseHeaders, StatusCodes.Status502BadGateway, e);
                    }

                    try
                    {
                        await connection.CopyBodyAsync(head, context.Response.BodyWriter);
                    }
                    catch (Http1ForwardException e)
                    {
                        var error = context.RequestAborted.IsCancellationRequested || connection.TimedOut ? ForwarderError.ResponseBodyCanceled : e.Error;
                        return FailBody(context, error, e.InnerException ?? e);
                    }

                    kept = connection.End(head);
                    try
                    {
                        // Ends the response now: what is left in the body writer goes out with its end (one write), and a
                        // writer over a replaced body stream (the access log's byte count) is flushed, which nothing else would do.
                        await context.Response.CompleteAsync();
                    }
                    catch (Exception e)
                    {
                        return FailBody(context, ForwarderError.ResponseBodyClient, e);
                    }

                    return ForwarderError.None;
                }
            }
            finally
            {
                // Given back to the endpoint that counts it, which may not be the one looked up (see Http1ConnectionPool.ConnectAsync).
                var owner = connection.Endpoint ?? endpoint;
                if (kept)
                {
                    owner.Return(connection);
                }
                else
                {
                    owner.Remove(connection);
                }
            }
        }
    }

    private static async ValueTask<ForwarderError> ReadBodyAsync(HttpContext context, Http1Request request)
    {
        try
        {
            await request.ReadBodyAsync(context.Request.BodyReader, context.RequestAborted);
            return ForwarderError.None;
        }
        catch (Exception e)
        {
            // As YARP: the client's failure, with the status Kestrel gave it (413 over the limit), else 400.
            return Fail(context, e is OperationCanceledException ? ForwarderError.RequestBodyCanceled : ForwarderError.RequestBodyClient,
                e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest, e);
        }
    }

    /// <summary>No response yet: the status YARP's forwarder answers with, and the failure where the proxy handler reads it.</summary>
    private static ForwarderError Fail(HttpContext context, ForwarderError error, int status, Exception exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new Http1ForwardFailure(error, exception));
        context.Response.StatusCode = status;
        return error;
    }

    /// <summary>The body failed: a 502 if nothing reached the client yet, else the client's connection is ended so it cannot take a cut response for whole.</summary>
    private static ForwarderError FailBody(HttpContext context, ForwarderError error, Exception exception)
    {
        context.Features.Set<IForwarderErrorFeature>(new Http1ForwardFailure(error, exception));
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
        else
        {
            context.Abort();
        }

        return error;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.Http1ForwarderRetrying, LogLevel.Debug, "A kept-alive connection to {Destination} failed before the backend answered ({Reason}); sending the request again on a new connection")]
        public static partial void RetryingOnNewConnection(ILogger logger, string destination, string reason);
    }
}

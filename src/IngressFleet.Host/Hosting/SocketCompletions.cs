namespace IngressFleet.Host.Hosting;

/// <summary>
/// Socket completions run on the socket engine's own thread (.NET's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>)
/// instead of being handed to the thread pool: a forwarded request crosses four socket events, and on the one core a
/// pod usually has, each hand-over is a context switch. Measured with the fast path: +17% requests a second at 32
/// connections, +34% at 256, p99 lower (docs/performance.md). Safe here because nothing in this code base waits
/// synchronously for a socket; Kestrel hands a request's start to the thread pool and Orleans its messages to its own
/// scheduler, but what follows an awaited socket read (the rest of a forwarded request, say) runs on that thread, so
/// heavy work after one (parsing a page of Kubernetes objects) yields to the thread pool first. The runtime reads the
/// variable when the first socket operation starts, so it is set before anything else; a deployment that sets it
/// (to 0, say) keeps its own value.
/// </summary>
internal static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}

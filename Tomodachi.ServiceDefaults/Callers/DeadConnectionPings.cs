namespace Microsoft.Extensions.Hosting;

/// <summary>
/// HTTP/2 pings on connections to the suite's services. The AppHost puts a TCP proxy in front of every service; when
/// the service dies the proxy keeps the caller's connection open but silent, so a call on it waited out its whole
/// deadline — up to 100 s through the gateway — even after the service was back. Pings find such a connection
/// within seconds and drop it: the call fails as UNAVAILABLE, and the next one opens a fresh connection. One second
/// each way, so a dead connection is gone within about two seconds: before a restarted service is up again, and
/// inside the memory budget of a chat (Inference:MemoryTimeout, 2 s).
/// </summary>
public static class DeadConnectionPings
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static SocketsHttpHandler WithDeadConnectionPings(this SocketsHttpHandler handler)
    {
        handler.KeepAlivePingDelay = Interval;
        handler.KeepAlivePingTimeout = Interval;
        // Idle connections too: the dead one is gone before the next call would pick it.
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        return handler;
    }
}

namespace PahoSharp.Interop.Async;

/// <summary>
/// One client's share of <see cref="AsyncTrace"/>'s socket watch: on from before paho can open a socket
/// (a connect, or a lost connection that paho will reconnect) until paho says it is connected, or the
/// client stops connecting (a failed connect without reconnect, a disconnect, disposal). paho opens
/// sockets only in connect attempts, so nothing opens unseen. Each client counts once, whatever the
/// order of the calls.
/// </summary>
internal sealed class AsyncSocketWatch
{
    private int on;

    public void Begin()
    {
        if (Interlocked.Exchange(ref on, 1) == 0)
            AsyncTrace.BeginSocketWatch();
    }

    public void End()
    {
        if (Interlocked.Exchange(ref on, 0) == 1)
            AsyncTrace.EndSocketWatch();
    }
}

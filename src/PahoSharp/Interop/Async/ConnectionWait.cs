namespace PahoSharp.Interop.Async;

/// <summary>
/// Whether an <c>MQTTAsync</c> client is on its way to a connection (a <c>ConnectAsync</c> under way,
/// or paho's automatic reconnect retrying), and a task that ends when it gets there or stops trying. A
/// subscription made meanwhile waits for it, rather than being refused with "disconnected" a moment
/// before the connection comes: a hosted worker that subscribes at start crashed its host so.
/// </summary>
internal sealed class ConnectionWait
{
    private readonly Lock gate = new();
    private TaskCompletionSource? connecting;

    /// <summary>Whether the client ever connected.</summary>
    public bool EverConnected { get; private set; }

    /// <summary>Whether a connect is under way, by the caller or by paho's retries.</summary>
    public bool IsConnecting
    {
        get
        {
            lock (gate)
                return connecting is not null;
        }
    }

    /// <summary>A connect starts, or paho starts retrying after a lost connection.</summary>
    public void Connecting()
    {
        lock (gate)
            connecting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>paho connected (its continuations never run on paho's thread, which calls this).</summary>
    public void Connected()
    {
        TaskCompletionSource? waiting;
        lock (gate)
        {
            EverConnected = true;
            waiting = connecting;
            connecting = null;
        }
        waiting?.TrySetResult();
    }

    /// <summary>Nobody tries any more: a failed connect without reconnect, a disconnect, disposal.</summary>
    public void Stopped()
    {
        TaskCompletionSource? waiting;
        lock (gate)
        {
            waiting = connecting;
            connecting = null;
        }
        waiting?.TrySetResult();
    }

    /// <summary>Completes when the connect under way ends, whichever way; at once when none is.</summary>
    public Task WhenSettledAsync(CancellationToken cancellationToken)
    {
        lock (gate)
            return connecting is null ? Task.CompletedTask : connecting.Task.WaitAsync(cancellationToken);
    }
}

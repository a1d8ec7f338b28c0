namespace PahoSharp.Interop.Async;

/// <summary>
/// Keeps at most the in-flight limit of QoS 1 and 2 publications in paho's <c>MQTTAsync</c> queue while
/// connected (and of QoS 0 ones too, with an offline buffer that deletes the oldest: see
/// <c>MqttAsyncClient.WindowLimit</c>). paho's send thread is woken when a command is added or a connection is made, not when an
/// acknowledgement frees a place in its window: with more publications queued than the window holds,
/// the rest waited up to 1 s each time the window filled (measured: 300 QoS 1 publications with a
/// window of 10 took 30 s). A publication here waits for a place instead, woken by the completion
/// that frees one, so paho's window never holds anything back. While disconnected (<see cref="Open"/>),
/// publications go to paho at once (its offline buffer), and count.
/// </summary>
/// <remarks>
/// Waiting publications go to paho in call order, as MQTT keeps the order of one client's messages: one
/// queue, drained by one pool thread at a time (never paho's callback thread, which frees the places),
/// and no publication passes the queue while it holds any or is being drained.
/// </remarks>
internal sealed class AsyncPublishWindow : IThreadPoolWorkItem
{
    private readonly Lock gate = new();
    private readonly Queue<QueuedPublication> waiting = new();
    private readonly Action<QueuedPublication> handOver;
    private int limit;
    private int used;
    private bool open = true;
    private bool draining;

    /// <param name="limit">The first limit, until a connect sets its own.</param>
    /// <param name="handOver">Gives a publication that waited to paho; called on a pool thread, in call order, its place taken.</param>
    public AsyncPublishWindow(int limit, Action<QueuedPublication> handOver)
    {
        this.limit = limit;
        this.handOver = handOver;
    }

    /// <summary>Sets the limit: the connect's <see cref="ConnectOptions.MaxInflight"/>, lowered by an MQTT 5 broker's Receive Maximum.</summary>
    public void SetLimit(int value)
    {
        lock (gate)
        {
            limit = Math.Max(1, value);
            DrainIfWaiting();
        }
    }

    /// <summary>Takes a place at once if one is free and nothing waits ahead; otherwise the publication must <see cref="Enqueue"/>.</summary>
    public bool TryEnter()
    {
        lock (gate)
        {
            if (waiting.Count > 0 || draining || !HasRoom())
                return false;
            used++;
            return true;
        }
    }

    /// <summary>Queues a publication behind those already waiting; it goes to paho once a place is free, unless it is cancelled first.</summary>
    public void Enqueue(QueuedPublication publication)
    {
        lock (gate)
        {
            waiting.Enqueue(publication);
            DrainIfWaiting();
        }
    }

    /// <summary>Gives a place back (the publication completed, failed, or was refused); often on paho's callback thread.</summary>
    public void Exit()
    {
        lock (gate)
        {
            used--;
            DrainIfWaiting();
        }
    }

    /// <summary>A connection was made: the limit applies again.</summary>
    public void Close()
    {
        lock (gate)
            open = false;
    }

    /// <summary>The connection ended: every waiting publication goes to paho, in order, which buffers or refuses it; so do later ones until <see cref="Close"/>.</summary>
    public void Open()
    {
        lock (gate)
        {
            open = true;
            DrainIfWaiting();
        }
    }

    /// <summary>Hands the waiting publications to paho in order while there is room.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        while (TakeNext() is { } next)
        {
            next.Operation.TakePlace(this);
            handOver(next);
        }
    }

    /// <summary>The next publication to hand over, its place taken; null (and the drain over) once none can go.</summary>
    private QueuedPublication? TakeNext()
    {
        lock (gate)
        {
            while (HasRoom() && waiting.TryDequeue(out QueuedPublication? next))
            {
                // One cancelled while it waited, or failed as the client went, is dropped here.
                if (!next.TryTake())
                    continue;
                used++;
                return next;
            }
            draining = false;
            return null;
        }
    }

    private bool HasRoom() => open || used < limit;

    /// <summary>Starts the drainer on a pool thread unless it runs already; under <see cref="gate"/>.</summary>
    private void DrainIfWaiting()
    {
        if (draining || waiting.Count == 0 || !HasRoom())
            return;
        draining = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }
}

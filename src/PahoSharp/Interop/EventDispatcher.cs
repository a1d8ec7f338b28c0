using PahoSharp.Telemetry;

namespace PahoSharp.Interop;

/// <summary>
/// Takes events from paho's threads and runs the client's handlers on a loop of its own, in order, so
/// that handlers may block or call the client. Received messages go through a bounded buffer with a
/// policy (<see cref="ReceiveBufferFullMode"/>); other events (a lost connection) are never held back,
/// as paho waits for its callback to return. A full buffer holds paho's thread only while no call
/// waits for that thread (<see cref="PahoThread"/>).
/// </summary>
internal sealed class EventDispatcher : PahoThread.IHolder
{
    private readonly object gate = new();
    private readonly Queue<object> queue = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly int capacity;
    private readonly ReceiveBufferFullMode fullMode;
    private readonly Func<object, CancellationToken, ValueTask> handle;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private readonly PahoThread pahoThread;
    private readonly ClientTelemetry telemetry;
    private int messages;
    private bool closed;
    private long dropped;

    [ThreadStatic]
    private static EventDispatcher? running;

    /// <param name="capacity">How many received messages may wait for the handlers.</param>
    /// <param name="fullMode">What happens to a message that finds the buffer full.</param>
    /// <param name="handle">Runs the handlers of one event; what it throws is reported and the loop goes on; its token fires on <see cref="Close"/>.</param>
    /// <param name="pahoThread">The paho thread that posts the messages.</param>
    /// <param name="telemetry">Told of dropped messages and of handlers that threw.</param>
    public EventDispatcher(int capacity, ReceiveBufferFullMode fullMode, Func<object, CancellationToken, ValueTask> handle, PahoThread pahoThread, ClientTelemetry telemetry)
    {
        this.telemetry = telemetry;
        this.capacity = capacity;
        this.pahoThread = pahoThread;
        this.fullMode = fullMode;
        this.handle = handle;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Messages dropped by <see cref="ReceiveBufferFullMode.DropNewest"/>.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Counts a message dropped after the buffer (a full reader under <see cref="ReceiveBufferFullMode.DropNewest"/>).</summary>
    public void CountDropped(MqttMessage message)
    {
        Interlocked.Increment(ref dropped);
        telemetry.Dropped(message);
    }

    /// <summary>Whether the calling thread is running this dispatcher's handlers.</summary>
    public bool IsHandlerThread => running == this;

    /// <inheritdoc/>
    public bool IsFull
    {
        get
        {
            lock (gate)
                return !closed && messages >= capacity;
        }
    }

    /// <summary>Queues a received message (on paho's thread): holds paho's thread, or drops, while the buffer is full.</summary>
    /// <returns>False if it was dropped (full, or closed).</returns>
    public bool PostMessage(MqttMessage message)
    {
        if (fullMode == ReceiveBufferFullMode.Wait)
            pahoThread.HoldWhileFull(this);
        bool full;
        lock (gate)
        {
            if (closed)
                return false;
            full = fullMode == ReceiveBufferFullMode.DropNewest && messages >= capacity;
            if (!full)
            {
                // Past the bound only while some call waits for paho's thread.
                messages++;
                queue.Enqueue(message);
            }
        }
        if (full)
        {
            CountDropped(message);
            return false;
        }
        telemetry.Accepted();
        available.Release();
        return true;
    }

    /// <summary>Queues an event that must not wait (paho waits for the callback that posts it).</summary>
    public void PostEvent(object item)
    {
        lock (gate)
        {
            if (closed)
                return;
            queue.Enqueue(item);
        }
        available.Release();
    }

    /// <summary>
    /// Stops: queued events are dropped, paho's thread is released, and, unless called from a handler,
    /// returns only once no handler runs any more.
    /// </summary>
    public void Close()
    {
        lock (gate)
        {
            if (!closed)
            {
                closed = true;
                queue.Clear();
                messages = 0;
            }
        }
        pahoThread.RoomMade();
        available.Release();
        stopping.Cancel();
        if (!IsHandlerThread)
            loop.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await available.WaitAsync().ConfigureAwait(false);
            object item;
            bool madeRoom = false;
            lock (gate)
            {
                if (closed)
                    return;
                if (!queue.TryDequeue(out item!))
                    continue;
                if (item is MqttMessage)
                    madeRoom = --messages == capacity - 1;
            }
            // Outside the gate: PahoThread reads IsFull under its own lock, which comes first.
            if (madeRoom)
                pahoThread.RoomMade();
            running = this;
            try
            {
                ValueTask pending = handle(item, stopping.Token);
                if (!pending.IsCompleted)
                {
                    running = null;
                    await pending.ConfigureAwait(false);
                }
                else
                {
                    pending.GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failing handler must not stop the delivery of what follows.
                telemetry.HandlerFailed(EventName(item), e);
            }
            finally
            {
                running = null;
            }
        }
    }

    private static string EventName(object item) => item switch
    {
        ConnectionLostEventArgs => "ConnectionLost",
        MqttReconnectedEventArgs => "Reconnected",
        MqttConnectedEventArgs => "Connected",
        _ => "MessageReceived",
    };
}

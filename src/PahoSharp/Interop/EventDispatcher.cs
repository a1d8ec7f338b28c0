namespace PahoSharp.Interop;

/// <summary>
/// Takes events from paho's threads and runs the client's handlers on a loop of its own, in order, so
/// that handlers may block or call the client. Received messages go through a bounded buffer with a
/// policy (<see cref="ReceiveBufferFullMode"/>); other events (a lost connection) are never held back,
/// as paho waits for its callback to return. It counts the calls that wait for paho's thread
/// (<see cref="IPahoWaits"/>): while there are any, a full buffer lets paho's thread through.
/// </summary>
internal sealed class EventDispatcher : IPahoWaits
{
    private readonly object gate = new();
    private readonly Queue<object> queue = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly int capacity;
    private readonly ReceiveBufferFullMode fullMode;
    private readonly Func<object, CancellationToken, ValueTask> handle;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;
    private int messages;
    private int pahoWaits;
    private bool closed;
    private long dropped;

    [ThreadStatic]
    private static EventDispatcher? running;

    /// <param name="capacity">How many received messages may wait for the handlers.</param>
    /// <param name="fullMode">What happens to a message that finds the buffer full.</param>
    /// <param name="handle">Runs the handlers of one event; what it throws is reported and the loop goes on; its token fires on <see cref="Close"/>.</param>
    public EventDispatcher(int capacity, ReceiveBufferFullMode fullMode, Func<object, CancellationToken, ValueTask> handle)
    {
        this.capacity = capacity;
        this.fullMode = fullMode;
        this.handle = handle;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Messages dropped by <see cref="ReceiveBufferFullMode.DropNewest"/>.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Counts a message dropped after the buffer (a full reader under <see cref="ReceiveBufferFullMode.DropNewest"/>).</summary>
    public void CountDropped() => Interlocked.Increment(ref dropped);

    /// <summary>Whether the calling thread is running this dispatcher's handlers.</summary>
    public bool IsHandlerThread => running == this;

    /// <summary>Queues a received message (on paho's thread): waits or drops when the buffer is full.</summary>
    /// <returns>False if it was dropped (full, or closed).</returns>
    public bool PostMessage(object message)
    {
        lock (gate)
        {
            while (!closed && messages >= capacity)
            {
                if (fullMode == ReceiveBufferFullMode.DropNewest)
                {
                    Interlocked.Increment(ref dropped);
                    return false;
                }
                if (pahoWaits > 0)
                    break;
                Monitor.Wait(gate);
            }
            if (closed)
                return false;
            messages++;
            queue.Enqueue(message);
        }
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

    /// <inheritdoc/>
    public void Enter()
    {
        lock (gate)
        {
            if (pahoWaits++ == 0)
                Monitor.PulseAll(gate);
        }
    }

    /// <inheritdoc/>
    public void Exit()
    {
        lock (gate)
            pahoWaits--;
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
                Monitor.PulseAll(gate);
            }
        }
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
            lock (gate)
            {
                if (closed)
                    return;
                if (!queue.TryDequeue(out item!))
                    continue;
                if (item is MqttMessage)
                {
                    messages--;
                    Monitor.PulseAll(gate);
                }
            }
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
                System.Diagnostics.Trace.TraceError($"PahoSharp: an event handler threw: {e}");
            }
            finally
            {
                running = null;
            }
        }
    }
}

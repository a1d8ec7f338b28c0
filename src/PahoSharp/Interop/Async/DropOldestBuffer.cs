namespace PahoSharp.Interop.Async;

/// <summary>
/// The client's account of paho's offline buffer when it deletes the oldest message
/// (<see cref="OfflineBufferOptions.DeleteOldest"/>), for <see cref="DroppedPublication"/>: the
/// publications given to paho and not finished, in the order paho took them; how many connections
/// paho has made; and a wait for room while connected (where a drop could not always be told from a
/// write, so the client never makes paho drop one).
/// </summary>
internal sealed class DropOldestBuffer(int maxMessages)
{
    private readonly Lock state = new();
    private readonly List<PublishOperation> order = [];
    private int unfinished;
    private long connections;
    private TaskCompletionSource? room;

    /// <summary>paho's <c>maxBufferedMessages</c>.</summary>
    public int MaxMessages => maxMessages;

    /// <summary>
    /// Held across the native calls of one publication: paho's queue then changes by that publication
    /// alone (and what paho itself sends), and the order here is the order paho took them in.
    /// </summary>
    public Lock Gate { get; } = new();

    /// <summary>How many times paho connected (counted in its connected callback, which it calls under the lock it holds while it marks the client connected).</summary>
    public long Connections => Interlocked.Read(ref connections);

    /// <summary>
    /// Whether <c>maxMessages</c> publications are unfinished. paho's unsent ones are among them, so
    /// while this is false paho cannot drop one of the client's.
    /// </summary>
    public bool IsFull
    {
        get
        {
            lock (state)
                return unfinished >= maxMessages;
        }
    }

    /// <summary>A publication about to go to paho (<see cref="PublishOperation"/> adds itself).</summary>
    public void Add(PublishOperation operation)
    {
        lock (state)
        {
            order.Add(operation);
            unfinished++;
            // Finished ones leave in batches, so the list stays within twice what is unfinished.
            if (order.Count > 2 * unfinished + 16)
                order.RemoveAll(static o => o.IsFinished);
        }
    }

    /// <summary>A publication finished (paho's callback, a refusal, or the drop found); on paho's thread, so short.</summary>
    public void Finished()
    {
        TaskCompletionSource? wake = null;
        lock (state)
        {
            unfinished--;
            if (unfinished < maxMessages)
                (wake, room) = (room, null);
        }
        wake?.TrySetResult();
    }

    /// <summary>The unfinished publications, oldest first.</summary>
    public PublishOperation[] Unfinished()
    {
        lock (state)
        {
            order.RemoveAll(static o => o.IsFinished);
            return [.. order];
        }
    }

    /// <summary>paho connected (its connected callback).</summary>
    public void Connected() => Interlocked.Increment(ref connections);

    /// <summary>Completes once a publication has finished and left room, or at <see cref="WakeAll"/>.</summary>
    public Task WhenRoom()
    {
        lock (state)
        {
            if (unfinished < maxMessages)
                return Task.CompletedTask;
            // Completed on paho's thread: continuations must not run there.
            room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return room.Task;
        }
    }

    /// <summary>Lets every waiter try again: the connection ended (paho buffers again), or the client went.</summary>
    public void WakeAll()
    {
        TaskCompletionSource? wake;
        lock (state)
            (wake, room) = (room, null);
        wake?.TrySetResult();
    }
}

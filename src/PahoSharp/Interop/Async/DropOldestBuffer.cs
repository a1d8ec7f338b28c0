namespace PahoSharp.Interop.Async;

/// <summary>
/// The client's account of paho's offline buffer when it deletes the oldest message
/// (<see cref="OfflineBufferOptions.DeleteOldest"/>): how many publications were given to paho and are
/// not finished, and a wait for room while connected, so that paho drops a buffered publication (and
/// calls it back failed) only while disconnected, as the option says.
/// </summary>
internal sealed class DropOldestBuffer(int maxMessages)
{
    private readonly Lock state = new();
    private int unfinished;
    private TaskCompletionSource? room;

    /// <summary>paho's <c>maxBufferedMessages</c>.</summary>
    public int MaxMessages => maxMessages;

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
    public void Add()
    {
        lock (state)
            unfinished++;
    }

    /// <summary>A publication finished (paho's callback, its drop included, or a refusal); on paho's thread, so short.</summary>
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

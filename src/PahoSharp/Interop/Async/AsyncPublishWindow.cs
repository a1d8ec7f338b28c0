namespace PahoSharp.Interop.Async;

/// <summary>
/// Keeps at most the in-flight limit of QoS 1 and 2 publications in paho's <c>MQTTAsync</c> queue while
/// connected (and of QoS 0 ones too, with an offline buffer that deletes the oldest: see
/// <c>MqttAsyncClient.WindowLimit</c>). paho's send thread is woken when a command is added or a connection is made, not when an
/// acknowledgement frees a place in its window: with more publications queued than the window holds,
/// the rest waited up to 1 s each time the window filled (measured: 300 QoS 1 publications with a
/// window of 10 took 30 s). A publication here waits for a place instead, woken by the completion
/// that frees one, so paho's window never holds anything back. While disconnected, publications go
/// to paho at once (its offline buffer), and count.
/// </summary>
internal sealed class AsyncPublishWindow
{
    private readonly Lock gate = new();
    private readonly Queue<TaskCompletionSource> waiting = new();
    private int limit;
    private int used;

    public AsyncPublishWindow(int limit) => this.limit = limit;

    /// <summary>Sets the limit: the connect's <see cref="ConnectOptions.MaxInflight"/>, lowered by an MQTT 5 broker's Receive Maximum.</summary>
    public void SetLimit(int value)
    {
        lock (gate)
        {
            limit = Math.Max(1, value);
            WakeWhileRoom();
        }
    }

    /// <summary>Takes a place, waiting while the window is full; without waiting when <paramref name="connected"/> is false (paho buffers).</summary>
    public Task EnterAsync(bool connected, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!connected || (used < limit && waiting.Count == 0))
            {
                used++;
                return Task.CompletedTask;
            }
            var place = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting.Enqueue(place);
            if (cancellationToken.CanBeCanceled)
                cancellationToken.Register(() => Cancel(place, cancellationToken));
            return place.Task;
        }
    }

    /// <summary>Gives a place back (the publication completed, failed, or was refused).</summary>
    public void Exit()
    {
        lock (gate)
        {
            used--;
            WakeWhileRoom();
        }
    }

    /// <summary>Lets every waiting publication through (the connection ended: paho buffers or refuses them itself).</summary>
    public void OpenAll()
    {
        lock (gate)
        {
            while (waiting.TryDequeue(out var place))
            {
                if (place.TrySetResult())
                    used++;
            }
        }
    }

    private void WakeWhileRoom()
    {
        while (used < limit && waiting.TryDequeue(out var place))
        {
            if (place.TrySetResult())
                used++;
        }
    }

    private void Cancel(TaskCompletionSource place, CancellationToken token)
    {
        // A place already handed over stays taken: the publication goes ahead and gives it back.
        place.TrySetCanceled(token);
    }
}

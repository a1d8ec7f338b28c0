using PahoSharp.Telemetry;

namespace PahoSharp.Interop;

/// <summary>
/// The handlers added per topic filter (<c>AddMessageHandler</c>), shared by both clients. The client's
/// dispatcher awaits them, one message at a time and each in the order added, so a slow handler holds
/// the next message back: the receive buffer fills, and with <see cref="ReceiveBufferFullMode.Wait"/>
/// paho's thread and then TCP hold the broker back. A handler that throws is logged, and the others
/// still get the message.
/// </summary>
internal sealed class MessageHandlers(ClientTelemetry telemetry)
{
    private readonly Lock gate = new();
    private Entry[] entries = [];

    /// <summary>Whether no handler is registered (read without the lock: a stale answer delays a new handler by one message at most).</summary>
    public bool IsEmpty => Volatile.Read(ref entries).Length == 0;

    /// <summary>Adds a handler; disposing the result removes it.</summary>
    public IDisposable Add(string topicFilter, Func<MqttMessage, CancellationToken, ValueTask> handler)
    {
        MqttTopicFilter.CheckFilter(topicFilter, nameof(topicFilter));
        ArgumentNullException.ThrowIfNull(handler);
        var entry = new Entry(this, topicFilter, handler);
        lock (gate)
            Volatile.Write(ref entries, [.. entries, entry]);
        return entry;
    }

    /// <summary>Runs the matching handlers, in the order added, then hands the message to the readers.</summary>
    public async ValueTask DeliverAsync(MqttMessage message, CancellationToken stopping, MessageReaders readers)
    {
        foreach (Entry entry in Volatile.Read(ref entries))
        {
            if (entry.Removed || !MqttTopicFilter.MatchesChecked(entry.TopicFilter, message.Topic))
                continue;
            try
            {
                await entry.Handler(message, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                telemetry.HandlerFailed($"message handler for {entry.TopicFilter}", e);
            }
        }
        await readers.DeliverAsync(message, stopping).ConfigureAwait(false);
    }

    private void Remove(Entry entry)
    {
        lock (gate)
            Volatile.Write(ref entries, [.. entries.Where(e => !ReferenceEquals(e, entry))]);
    }

    private sealed class Entry(MessageHandlers owner, string topicFilter, Func<MqttMessage, CancellationToken, ValueTask> handler) : IDisposable
    {
        private int removed;

        public string TopicFilter { get; } = topicFilter;

        public Func<MqttMessage, CancellationToken, ValueTask> Handler { get; } = handler;

        public bool Removed => Volatile.Read(ref removed) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref removed, 1) == 0)
                owner.Remove(this);
        }
    }
}

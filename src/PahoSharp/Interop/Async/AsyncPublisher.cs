using PahoSharp.Interop.Operations;
using PahoSharp.Interop.Properties;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// One <c>MQTTAsync</c> client's publish pipeline. Publications go to paho at once, in call order, and
/// paho's window is the in-flight window; <see cref="AsyncPublishWindow"/> holds back only what paho cannot
/// decide (stuck QoS 2 places; a buffer that deletes the oldest, full while connected), and, with such a
/// buffer, the account of what paho holds (<see cref="DropOldestBuffer"/>) waits for room while
/// connected. The window hands waiting publications back to this pipeline, never to the public client.
/// </summary>
internal sealed class AsyncPublisher
{
    private readonly AsyncCommands paho;
    private readonly AsyncOperationSet operations;
    private readonly ClientCore core;
    private readonly ClientTelemetry telemetry;
    private readonly DropOldestBuffer? dropOldest;
    private readonly AsyncPublishWindow window;
    private readonly Func<PendingTokens?> pahoPending;

    public AsyncPublisher(AsyncCommands paho, AsyncOperationSet operations, ClientCore core, ClientTelemetry telemetry, MqttVersion version, OfflineBufferOptions? offlineBuffer)
    {
        this.paho = paho;
        this.operations = operations;
        this.core = core;
        this.telemetry = telemetry;
        Version = version;
        if (offlineBuffer is { DeleteOldest: true } buffer)
            dropOldest = new DropOldestBuffer(buffer.MaxMessages);
        window = new AsyncPublishWindow(10, HandOver, dropOldest?.MaxMessages);
        pahoPending = paho.ReadPendingTokens;
    }

    private MqttVersion Version { get; }

    /// <summary>A connect starts: the window's limit is its in-flight limit.</summary>
    public void SetLimit(int maxInflight) => window.SetLimit(maxInflight);

    /// <summary>paho emptied its in-flight window for a clean session (<see cref="AsyncPublishWindow.SessionEmptied"/>).</summary>
    public void SessionEmptied() => window.SessionEmptied();

    /// <summary>A connection was made: the window's limit applies again.</summary>
    public void Connected() => window.Close();

    /// <summary>The connection ended: what the window holds back goes to paho, which buffers or refuses it; a wait for room ends.</summary>
    public void Disconnected()
    {
        window.Open();
        dropOldest?.WakeAll();
    }

    /// <summary>The client goes: a wait for room ends.</summary>
    public void Closed() => dropOldest?.WakeAll();

    /// <summary>
    /// Publishes (<c>MQTTAsync_sendMessage</c>) and completes when paho has the broker's PUBACK (QoS 1) or
    /// PUBCOMP (QoS 2), or has written a QoS 0 message; the parameter names are the public method's.
    /// </summary>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken = default)
    {
        Check.Qos(qos, nameof(qos));
        MqttText.CheckPayloadLength(payload.Length, nameof(payload));
        MqttText.CheckTopicName(topic, nameof(topic));
        ClientCore.CheckProperties(Version, properties, PropertyPacket.Publish, nameof(properties));
        core.ThrowIfDisposed();
        var measure = new PublishMeasure(ClientTelemetry.PublishStarting(), telemetry.StartPublish(topic, qos, retained, payload.Length));
        // A buffer that deletes the oldest counts QoS 0 in the window too, so that paho never drops while connected.
        if (qos == MqttQos.AtMostOnce && dropOldest is null)
            return PublishNow(topic, payload.Span, qos, retained, properties, measure, placed: false, cancellationToken).WaitAsync(cancellationToken);
        if (window.Refusal(qos) is { } full)
        {
            var refused = PublishOperation.Rent(operations, qos, telemetry, payload.Length, measure, pahoPending);
            refused.Abandon(full);
            return refused.Task;
        }
        if (window.TryEnter(qos))
            return PublishNow(topic, payload.Span, qos, retained, properties, measure, placed: true, cancellationToken).WaitAsync(cancellationToken);
        // Stuck places or a full buffer hold publications back, or others wait ahead: the caller's memory may change once this returns, so keep a copy.
        var operation = PublishOperation.Rent(operations, qos, telemetry, payload.Length, measure, pahoPending);
        var waiting = new QueuedPublication(operation, topic, payload.ToArray(), retained, properties, measure);
        waiting.CancelWith(cancellationToken);
        window.Enqueue(waiting);
        return operation.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Hands a publication to paho, or, with a buffer that deletes the oldest and is full while connected, waits for room first.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payload">The payload, copied by paho.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">The retain flag.</param>
    /// <param name="properties">The caller's properties.</param>
    /// <param name="measure">What the outcome is measured against.</param>
    /// <param name="placed">Whether the publication took a place in the window, which it gives back as it finishes, whichever way.</param>
    /// <param name="cancellationToken">Ends a wait for room.</param>
    private ValueTask<MqttPublishResult> PublishNow(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, PublishMeasure measure, bool placed, CancellationToken cancellationToken)
    {
        var operation = PublishOperation.Rent(operations, qos, telemetry, payload.Length, measure, pahoPending);
        if (placed)
            operation.TakePlace(window);
        if (!TryPublishNow(operation, topic, payload, qos, retained, properties, measure))
        {
            // The caller's memory may change once this returns, so a publication that waits keeps a copy.
            _ = PublishWhenBufferHasRoomAsync(dropOldest!, operation, topic, payload.ToArray(), qos, retained, properties, measure, cancellationToken);
        }
        return operation.Task;
    }

    /// <summary>Gives paho a publication that waited for its place in the window (on the window's drainer, a pool thread, in call order).</summary>
    private void HandOver(QueuedPublication waited)
    {
        PublishOperation operation = waited.Operation;
        try
        {
            if (!TryPublishNow(operation, waited.Topic, waited.Payload, operation.Qos, waited.Retained, waited.Properties, waited.Measure))
                _ = PublishWhenBufferHasRoomAsync(dropOldest!, operation, waited.Topic, waited.Payload, operation.Qos, waited.Retained, waited.Properties, waited.Measure, CancellationToken.None);
        }
        catch (Exception e)
        {
            // TryPublishNow failed the operation with it already; nothing may unwind into the drainer.
            operation.Abandon(e);
        }
    }

    /// <returns>Whether paho took the publication, or refused it (the operation has failed); false when paho's buffer that deletes the oldest is full while connected.</returns>
    private bool TryPublishNow(PublishOperation operation, string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, PublishMeasure measure)
    {
        try
        {
            using var topicName = Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], nameof(topic));
            // MQTT 5 carries the span's context to the subscribers, in a user property.
            List<MqttUserProperty>? traceContext = measure.Activity is { } activity && Version == MqttVersion.V5 ? TraceContextCarrier.Inject(activity, properties) : null;
            using var written = PropertiesWriter.For(properties, PropertiesLibrary.Async, PropertyPacket.Publish, nameof(properties), traceContext);
            if (dropOldest is null)
            {
                Publish(operation, topicName, payload, qos, retained, written);
                return true;
            }
            return PublishDroppingOldest(dropOldest, operation, topicName, payload, qos, retained, written);
        }
        catch (Exception e)
        {
            // Ends the operation (its span, its window place) unless paho's refusal already did.
            operation.Abandon(e);
            if (e is not (MqttException or ObjectDisposedException))
                throw;
            return true;
        }
    }

    /// <summary>
    /// While connected, a full buffer that deletes the oldest waits for a publication to finish: the
    /// option drops what waits for a connection, not what is being sent. Once disconnected, paho
    /// buffers and drops as asked, and calls the dropped one back failed. The
    /// window (its buffer limit) makes this rare: it is for a publication let through the window
    /// while disconnected that reaches paho only after a reconnect.
    /// </summary>
    private async Task PublishWhenBufferHasRoomAsync(DropOldestBuffer buffer, PublishOperation operation, string topic, byte[] payload, MqttQos qos, bool retained, MqttProperties? properties, PublishMeasure measure, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // Asked for before looking at the connection: a loss after the look wakes it.
                Task room = buffer.WhenRoom();
                if (paho.IsConnectedNow())
                    await room.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (TryPublishNow(operation, topic, payload, qos, retained, properties, measure))
                    return;
            }
        }
        catch (Exception e)
        {
            // The publication's task tells the caller: cancelled before it reached paho, or what failed it.
            operation.Abandon(e);
        }
    }

    private void Publish(PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
    {
        AsyncCommands.BeginOperation(operation);
        int rc;
        try
        {
            using var use = paho.Use();
            rc = paho.SendMessage(use.Client, operation, topic, payload, qos, retained, properties);
        }
        catch (Exception e)
        {
            AsyncCommands.FailOperation(operation, e);
            throw;
        }
        paho.EndOperation(operation, rc);
    }

    /// <summary>
    /// <see cref="Publish"/> with paho's <c>deleteOldestMessages</c>: the publication joins the account of
    /// what paho holds; paho calls back the one it drops (<see cref="PublishOperation"/>).
    /// </summary>
    /// <returns>Whether paho took the publication or refused it; false when the buffer is full while connected (wait for room instead).</returns>
    private bool PublishDroppingOldest(DropOldestBuffer buffer, PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
    {
        using var use = paho.Use();
        if (buffer.IsFull && paho.IsConnectedNow())
            return false;
        AsyncCommands.BeginOperation(operation);
        operation.Join(buffer);
        int rc;
        try
        {
            rc = paho.SendMessage(use.Client, operation, topic, payload, qos, retained, properties);
        }
        catch (Exception e)
        {
            AsyncCommands.FailOperation(operation, e);
            throw;
        }
        paho.EndOperation(operation, rc);
        return true;
    }
}

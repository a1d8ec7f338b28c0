using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PahoSharp.Telemetry;

/// <summary>
/// One client's logging, metrics and spans, behind the calls its client makes at each event: each
/// checks first that someone listens (a log level, an instrument, a span sampler), so the publish path
/// measures and allocates nothing while nobody does.
/// </summary>
internal sealed class ClientTelemetry : IDisposable
{
    private readonly Func<long> inFlight;
    private readonly ServerTags configured;
    private readonly int receiveBufferCapacity;
    private volatile ServerTags server;
    private int dropping;
    private long droppedSinceFull;

    /// <param name="loggerFactory">The user's, or null for no logging.</param>
    /// <param name="category">The log category: the client's class.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="serverUri">The client's own broker (already validated).</param>
    /// <param name="receiveBufferCapacity">The receive buffer's capacity, for the log.</param>
    /// <param name="inFlight">How many publications await their outcome; read off the client's threads by the gauge.</param>
    public ClientTelemetry(ILoggerFactory? loggerFactory, string category, string clientId, string serverUri, int receiveBufferCapacity, Func<long> inFlight)
    {
        Logger = loggerFactory?.CreateLogger(category) ?? NullLogger.Instance;
        ClientId = clientId;
        this.inFlight = inFlight;
        this.receiveBufferCapacity = receiveBufferCapacity;
        configured = ServerTags.From(serverUri, new ServerTags(serverUri, 0));
        server = configured;
        InFlightGauge.Add(this);
    }

    public ILogger Logger { get; }

    public string ClientId { get; }

    /// <summary>The broker connected to last (one of several with failover), else the client's own.</summary>
    public ServerTags Server => server;

    public long InFlight() => inFlight();

    public TagList GaugeTags() => new()
    {
        { MessagingAttributes.System, MessagingAttributes.Mqtt },
        { MessagingAttributes.ClientId, ClientId },
        { MessagingAttributes.ServerAddress, server.Address },
        { MessagingAttributes.ServerPort, server.Port },
    };

    /// <summary>The timestamp a publication's duration is measured from; 0 when nobody listens to durations.</summary>
    public static long PublishStarting() => MqttInstruments.OperationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <inheritdoc cref="MqttActivities.StartPublish"/>
    public Activity? StartPublish(string topic, MqttQos qos, bool retained, int bodySize) =>
        MqttActivities.StartPublish(this, topic, qos, retained, bodySize);

    /// <summary>A publication's outcome: delivered (<paramref name="errorType"/> null) or failed.</summary>
    public void PublishEnded(MqttQos qos, int bodySize, long started, Activity? activity, string? errorType, string? description = null, int messageId = 0)
    {
        if (activity is not null)
            MqttActivities.Stop(activity, errorType, description, messageId);
        if (!MqttInstruments.SentMessages.Enabled && !MqttInstruments.SentBytes.Enabled && !MqttInstruments.OperationDuration.Enabled)
            return;
        TagList tags = OperationTags(MessagingAttributes.Publish, qos);
        if (errorType is not null)
            tags.Add(MessagingAttributes.ErrorType, errorType);
        MqttInstruments.SentMessages.Add(1, in tags);
        if (errorType is null)
            MqttInstruments.SentBytes.Add(bodySize, in tags);
        if (started != 0)
            MqttInstruments.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, in tags);
    }

    /// <summary>paho handed a message over (on paho's thread).</summary>
    public void Received(MqttQos qos, int bodySize)
    {
        if (!MqttInstruments.ConsumedMessages.Enabled && !MqttInstruments.ReceivedBytes.Enabled)
            return;
        TagList tags = OperationTags(MessagingAttributes.Receive, qos);
        MqttInstruments.ConsumedMessages.Add(1, in tags);
        MqttInstruments.ReceivedBytes.Add(bodySize, in tags);
    }

    /// <summary>
    /// Runs a received message's handlers in its <c>process</c> span (current meanwhile, so that what
    /// the handlers publish joins the trace). What a handler throws is logged and goes no further: it
    /// must not keep the message from the readers, nor stop what follows.
    /// </summary>
    public void Process(object sender, EventHandler<MqttMessageReceivedEventArgs>? handlers, MqttMessage message)
    {
        if (handlers is null)
            return;
        long started = ProcessStarting();
        Activity? activity = StartProcess(message);
        Exception? failure = null;
        try
        {
            handlers(sender, new MqttMessageReceivedEventArgs(message));
        }
        catch (Exception e)
        {
            failure = e;
        }
        Processed(message, started, activity, failure);
    }

    /// <summary>The handlers are done with a message; <paramref name="error"/> is what one of them threw.</summary>
    private void Processed(MqttMessage message, long started, Activity? activity, Exception? error)
    {
        string? errorType = error is null ? null : ErrorTypes.Of(error);
        if (activity is not null)
            MqttActivities.Stop(activity, errorType, error?.Message);
        if (error is not null)
            ClientLog.HandlerFailed(Logger, error, "MessageReceived", ClientId);
        if (started != 0 && MqttInstruments.ProcessDuration.Enabled)
        {
            TagList tags = OperationTags(MessagingAttributes.Process, message.Qos);
            if (errorType is not null)
                tags.Add(MessagingAttributes.ErrorType, errorType);
            MqttInstruments.ProcessDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, in tags);
        }
    }

    private static long ProcessStarting() => MqttInstruments.ProcessDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    private Activity? StartProcess(MqttMessage message) => MqttActivities.StartProcess(this, message);

    /// <summary>The receive buffer's policy dropped a message: a warning when dropping starts, then one debug entry per message.</summary>
    public void Dropped(MqttMessage message)
    {
        Interlocked.Increment(ref droppedSinceFull);
        if (Interlocked.Exchange(ref dropping, 1) == 0)
            ClientLog.ReceiveBufferFull(Logger, ClientId, receiveBufferCapacity);
        ClientLog.MessageDropped(Logger, ClientId, message.Topic);
        if (MqttInstruments.DroppedMessages.Enabled)
        {
            TagList tags = OperationTags(MessagingAttributes.Receive, message.Qos);
            MqttInstruments.DroppedMessages.Add(1, in tags);
        }
    }

    /// <summary>The receive buffer took a message: if it had been dropping, say that it stopped.</summary>
    public void Accepted()
    {
        if (Volatile.Read(ref dropping) != 0 && Interlocked.Exchange(ref dropping, 0) == 1)
            ClientLog.ReceiveBufferRecovered(Logger, ClientId, Interlocked.Exchange(ref droppedSinceFull, 0));
    }

    public static long ConnectStarting() => Stopwatch.GetTimestamp();

    public void Connected(MqttConnectResult result, long started)
    {
        server = ServerTags.From(result.ServerUri, configured);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        ClientLog.Connected(Logger, ClientId, result.ServerUri, result.MqttVersion, result.SessionPresent, (long)elapsed.TotalMilliseconds);
        if (MqttInstruments.ConnectDuration.Enabled)
        {
            TagList tags = ConnectionTags();
            MqttInstruments.ConnectDuration.Record(elapsed.TotalSeconds, in tags);
        }
    }

    public void ConnectFailed(Exception error, string serverUri, long started)
    {
        string errorType = ErrorTypes.Of(error);
        ClientLog.ConnectFailed(Logger, error, ClientId, serverUri, errorType);
        if (MqttInstruments.ConnectDuration.Enabled)
        {
            TagList tags = ConnectionTags();
            tags.Add(MessagingAttributes.ErrorType, errorType);
            MqttInstruments.ConnectDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, in tags);
        }
    }

    /// <summary>The connection ended without the client's DISCONNECT: paho's cause, or the server's DISCONNECT.</summary>
    public void ConnectionLost(ConnectionLostEventArgs lost)
    {
        if (lost.ReasonCode is { } reason)
            ClientLog.ServerDisconnected(Logger, ClientId, reason, (int)reason, lost.ReasonString);
        else
            ClientLog.ConnectionLost(Logger, ClientId, lost.Cause ?? "paho gave no cause");
        if (MqttInstruments.ConnectionsLost.Enabled)
        {
            TagList tags = ConnectionTags();
            if (lost.ReasonCode is { } code)
                tags.Add(MessagingAttributes.ErrorType, code.ToString());
            MqttInstruments.ConnectionsLost.Add(1, in tags);
        }
    }

    public void Reconnected()
    {
        ClientLog.Reconnected(Logger, ClientId);
        if (MqttInstruments.Reconnects.Enabled)
        {
            TagList tags = ConnectionTags();
            MqttInstruments.Reconnects.Add(1, in tags);
        }
    }

    public void SubscriptionsRestored(IReadOnlyList<MqttSubscribeResult> restored)
    {
        if (restored.Count > 0 && Logger.IsEnabled(LogLevel.Information))
            ClientLog.SubscriptionsRestored(Logger, ClientId, restored.Count, string.Join(", ", restored.Select(r => r.TopicFilter)));
    }

    public void SubscriptionsNotRestored(Exception error) => ClientLog.SubscriptionsNotRestored(Logger, error, ClientId);

    public void Disconnected() => ClientLog.Disconnected(Logger, ClientId);

    public void ReconnectAfterDisconnectEnded() => ClientLog.ReconnectAfterDisconnectEnded(Logger, ClientId);

    public void HandlerFailed(string eventName, Exception error) => ClientLog.HandlerFailed(Logger, error, eventName, ClientId);

    public void PersistenceFailed(string call, Exception error) => ClientLog.PersistenceFailed(Logger, error, ClientId, call);

    public void DestroyedWithUnknownSocket() => ClientLog.DestroyedWithUnknownSocket(Logger, ClientId);

    public void Dispose() => InFlightGauge.Remove(this);

    private TagList OperationTags(string operation, MqttQos qos)
    {
        ServerTags current = server;
        return new TagList
        {
            { MessagingAttributes.System, MessagingAttributes.Mqtt },
            { MessagingAttributes.OperationName, operation },
            { MessagingAttributes.Qos, MessagingAttributes.QosValue(qos) },
            { MessagingAttributes.ServerAddress, current.Address },
            { MessagingAttributes.ServerPort, current.Port },
        };
    }

    private TagList ConnectionTags()
    {
        ServerTags current = server;
        return new TagList
        {
            { MessagingAttributes.System, MessagingAttributes.Mqtt },
            { MessagingAttributes.ClientId, ClientId },
            { MessagingAttributes.ServerAddress, current.Address },
            { MessagingAttributes.ServerPort, current.Port },
        };
    }
}

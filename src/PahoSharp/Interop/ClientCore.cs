using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop;

/// <summary>
/// What both public clients share above their paho engines: the creation options check, the
/// properties check, and the receiving side (dispatcher, readers, handlers, and the events raised in
/// the client's name). It knows the client only as the events' sender, so nothing here calls up into
/// the public classes.
/// </summary>
internal sealed class ClientCore
{
    private readonly object sender;
    private readonly ClientTelemetry telemetry;
    private int disposed;

    public ClientCore(object sender, MqttClientOptions options, PahoThread pahoThread, ClientTelemetry telemetry)
    {
        this.sender = sender;
        this.telemetry = telemetry;
        Dispatcher = new EventDispatcher(options.ReceiveBufferCapacity, options.ReceiveBufferFullMode, DispatchAsync, pahoThread, telemetry);
        Readers = new MessageReaders(options.ReceiveBufferCapacity, options.ReceiveBufferFullMode, Dispatcher);
        Handlers = new MessageHandlers(telemetry);
    }

    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived;

    public event EventHandler<ConnectionLostEventArgs>? ConnectionLost;

    public event EventHandler<MqttConnectedEventArgs>? Connected;

    public event EventHandler<MqttReconnectedEventArgs>? Reconnected;

    public EventDispatcher Dispatcher { get; }

    public MessageReaders Readers { get; }

    public MessageHandlers Handlers { get; }

    /// <summary>Whether the client has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>Marks the client disposed.</summary>
    /// <returns>True for the first call only: that caller disposes.</returns>
    public bool MarkDisposed() => Interlocked.Exchange(ref disposed, 1) == 0;

    /// <summary>Throws the <see cref="ObjectDisposedException"/> the client itself would, naming the client's type.</summary>
    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, sender);

    /// <summary>Leases the client's handle for one native call.</summary>
    public NativeUse Lease(SafeHandle handle) => NativeUse.Lease(handle, IsDisposed, sender);

    public IDisposable AddMessageHandler(string topicFilter, Func<MqttMessage, CancellationToken, ValueTask> handler)
    {
        ThrowIfDisposed();
        return Handlers.Add(topicFilter, handler);
    }

    public IAsyncEnumerable<MqttMessage> ReadMessages(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return Readers.Open(cancellationToken);
    }

    /// <summary>Checks what both clients need of their creation options; the parameter names are the public constructor's.</summary>
    /// <returns>The parsed server URI.</returns>
    public static ParsedServerUri CheckOptions(MqttClientOptions options, string uriName, string idName, string persistenceName, string versionName)
    {
        ParsedServerUri serverUri = ParsedServerUri.Parse(options.ServerUri, uriName);
        ArgumentNullException.ThrowIfNull(options.ClientId, idName);
        ArgumentNullException.ThrowIfNull(options.Persistence, persistenceName);
        if (!Enum.IsDefined(options.Version))
            throw new ArgumentOutOfRangeException(versionName, options.Version, "Not an MQTT version paho knows.");
        if (!Enum.IsDefined(options.ReceiveBufferFullMode))
            throw new ArgumentOutOfRangeException(nameof(options), options.ReceiveBufferFullMode, "Not a receive buffer mode.");
        return serverUri;
    }

    public static void CheckProperties(MqttVersion version, MqttProperties? properties, PropertyPacket packet, string paramName)
    {
        if (properties is { IsEmpty: false } && version != MqttVersion.V5)
            throw new ArgumentException("Properties exist in MQTT 5 only: create and connect the client with MqttVersion.V5.", paramName);
        PropertyCodes.CheckFor(properties, packet, paramName);
    }

    /// <summary>Checks a SUBSCRIBE's filters as both clients do; <paramref name="filterRules"/> checks each filter as a topic filter, else as a string paho accepts.</summary>
    /// <returns>The filters, copied once.</returns>
    public static MqttSubscription[] CheckSubscriptions(IEnumerable<MqttSubscription> subscriptions, MqttVersion version, bool filterRules, string paramName)
    {
        ArgumentNullException.ThrowIfNull(subscriptions, paramName);
        MqttSubscription[] requested = [.. subscriptions];
        if (requested.Length == 0)
            throw new ArgumentException("Subscribe to at least one filter.", paramName);
        bool mqtt5 = version == MqttVersion.V5;
        foreach (MqttSubscription subscription in requested)
        {
            Check.Qos(subscription.Qos, paramName);
            if (filterRules)
                CheckFilter(subscription.TopicFilter, paramName);
            else
                MqttText.CheckString(subscription.TopicFilter, paramName);
            SubscribeOptionsWriter.Check(subscription, mqtt5, paramName);
        }
        return requested;
    }

    public static void CheckFilter(string? topicFilter, string paramName)
    {
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], paramName);
    }

    /// <summary>Copies a message paho hands over (either engine's message struct, field by field) and posts it to the dispatcher.</summary>
    public unsafe void OnMessageArrived(ReadOnlySpan<byte> topic, void* payload, int payloadLength, int qos, int retained, int dup, MQTTProperties* properties)
    {
        var received = new MqttMessage(
            Encoding.UTF8.GetString(topic),
            new ReadOnlySpan<byte>(payload, payloadLength).ToArray(),
            (MqttQos)qos,
            retained != 0,
            dup != 0,
            PropertiesReader.Read(properties));
        telemetry.Received(received.Qos, received.Payload.Length);
        // Blocks paho's thread while the buffer is full (the default policy): TCP then holds the broker back.
        Dispatcher.PostMessage(received);
    }

    private ValueTask DispatchAsync(object item, CancellationToken stopping)
    {
        switch (item)
        {
            case MqttMessage message:
                telemetry.Process(sender, MessageReceived, message);
                return Handlers.IsEmpty ? Readers.DeliverAsync(message, stopping) : Handlers.DeliverAsync(message, stopping, Readers);
            case ConnectionLostEventArgs lost:
                ConnectionLost?.Invoke(sender, lost);
                break;
            case MqttReconnectedEventArgs reconnected:
                Reconnected?.Invoke(sender, reconnected);
                break;
            case MqttConnectedEventArgs connected:
                Connected?.Invoke(sender, connected);
                break;
        }
        return ValueTask.CompletedTask;
    }
}

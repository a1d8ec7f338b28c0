using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using PahoSharp.Internal;
using PahoSharp.Native;
using UnicodeUtf8 = System.Text.Unicode.Utf8;

[module: SkipLocalsInit]

namespace PahoSharp;

/// <summary>
/// An MQTT client over paho.mqtt.c's synchronous <c>MQTTClient</c> API. Thread-safe: any thread may
/// publish, subscribe or disconnect, including the handlers of <see cref="MessageReceived"/> and
/// <see cref="ConnectionLost"/>, which run on a dispatcher of this client's, never on paho's thread.
/// Dispose it: an undisposed client stays registered for paho's callbacks and is never collected.
/// </summary>
public sealed class MqttClient : IDisposable, ICallbackTarget
{
    private const int MaxTimeoutMilliseconds = int.MaxValue;

    private readonly MqttClientHandle handle = new();
    private readonly nint callbackId;
    private readonly DeliveryTracker deliveries = new();
    private readonly Channel<object> events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<ChannelWriter<MqttMessage>> messageReaders = [];
    private readonly Lock connectionGate = new();
    private NativeConnectOptions? connectMemory;
    private ConnectionAborter.TcpSocket? socket;
    private int disposed;

    /// <summary>Creates a client without persistence speaking paho's default MQTT version (<c>MQTTClient_create</c>).</summary>
    /// <param name="serverUri">The broker, for instance <c>tcp://127.0.0.1:1883</c>.</param>
    /// <param name="clientId">The client identifier the broker knows this client by.</param>
    public MqttClient(string serverUri, string clientId)
        : this(serverUri, clientId, ClientPersistence.None, MqttVersion.Default)
    {
    }

    /// <summary>Creates a client (<c>MQTTClient_createWithOptions</c> for MQTT 5, <c>MQTTClient_create</c> otherwise).</summary>
    /// <param name="serverUri">The broker, for instance <c>tcp://127.0.0.1:1883</c>.</param>
    /// <param name="clientId">The client identifier the broker knows this client by.</param>
    /// <param name="persistence">Where in-flight messages are kept.</param>
    /// <param name="version">The MQTT version; <see cref="MqttVersion.V5"/> must be chosen here to connect with MQTT 5.</param>
    public unsafe MqttClient(string serverUri, string clientId, ClientPersistence persistence, MqttVersion version = MqttVersion.Default)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverUri);
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(persistence);
        if (!Enum.IsDefined(version))
            throw new ArgumentOutOfRangeException(nameof(version), version, "Not an MQTT version paho knows.");
        byte[] uri = NulTerminated(Utf8.EncodeString(serverUri, nameof(serverUri)));
        byte[] id = NulTerminated(Utf8.EncodeString(clientId, nameof(clientId)));
        byte[]? directory = persistence.Directory is { } dir ? NulTerminated(Utf8.EncodeString(dir, nameof(persistence))) : null;

        ServerUri = serverUri;
        ClientId = clientId;
        Version = version;

        nint client = 0;
        int rc;
        int persistenceType = directory is null
            ? MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE
            : MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_DEFAULT;
        fixed (byte* uriPtr = uri)
        fixed (byte* idPtr = id)
        fixed (byte* directoryPtr = directory)
        {
            if (version == MqttVersion.V5)
            {
                MQTTClient_createOptions options = Initializers.MQTTClient_createOptions_initializer;
                options.MQTTVersion = (int)version;
                rc = MQTTClientApi.MQTTClient_createWithOptions(&client, uriPtr, idPtr, persistenceType, directoryPtr, &options);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_create(&client, uriPtr, idPtr, persistenceType, directoryPtr);
            }
        }
        MqttException.ThrowIfFailed(rc, "create");
        handle.Initialize(client);

        callbackId = CallbackRegistry.Register(this);
        rc = CallbackRegistry.SetCallbacks(client, callbackId);
        if (rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
        {
            CallbackRegistry.Unregister(callbackId);
            handle.Dispose();
            MqttException.ThrowIfFailed(rc, "set callbacks");
        }
        _ = Task.Run(DispatchAsync);
    }

    /// <summary>A message arrived on a subscription. Raised on the client's dispatcher, in arrival order.</summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived;

    /// <summary>The connection ended without <see cref="Disconnect"/>. Raised on the client's dispatcher.</summary>
    public event EventHandler<ConnectionLostEventArgs>? ConnectionLost;

    /// <summary>The broker URI the client was created with.</summary>
    public string ServerUri { get; }

    /// <summary>The client identifier.</summary>
    public string ClientId { get; }

    /// <summary>The MQTT version the client was created for.</summary>
    public MqttVersion Version { get; }

    /// <summary>Whether the client is connected now (false once disposed).</summary>
    public bool IsConnected
    {
        get
        {
            if (Volatile.Read(ref disposed) != 0)
                return false;
            using var use = Use();
            return MQTTClientApi.MQTTClient_isConnected(use.Client) != 0;
        }
    }

    /// <summary>The version of the paho.mqtt.c library loaded, as it reports itself (<c>MQTTClient_getVersionInfo</c>).</summary>
    public static string PahoVersion => PahoVersionInfo.TryGetValue("Version", out string? version) ? version : "";

    /// <summary>Everything <c>MQTTClient_getVersionInfo</c> reports about the loaded paho.</summary>
    public static unsafe IReadOnlyDictionary<string, string> PahoVersionInfo
    {
        get
        {
            var info = new Dictionary<string, string>();
            for (MQTTClient_nameValue* entry = MQTTClientApi.MQTTClient_getVersionInfo(); entry->name is not null; entry++)
                info[Marshal.PtrToStringUTF8((nint)entry->name)!] = Marshal.PtrToStringUTF8((nint)entry->value) ?? "";
            return info;
        }
    }

    /// <summary>Connects (<c>MQTTClient_connect</c>, or <c>MQTTClient_connect5</c> for MQTT 5).</summary>
    /// <exception cref="MqttException">paho or the broker refused: the code says which.</exception>
    public unsafe void Connect(ConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.MqttVersion == MqttVersion.V5) != (Version == MqttVersion.V5))
            throw new ArgumentException($"A client created for {Version} cannot connect with {options.MqttVersion}; MQTT 5 must be chosen at creation and at connect.", nameof(options));

        var native = new NativeConnectOptions(options);
        lock (connectionGate)
        {
            using var use = Use();
            List<ConnectionAborter.TcpSocket> socketsBefore = ConnectionAborter.ConnectedSockets();
            int rc;
            int inFlightLimit = options.MaxInflight;
            if (Version == MqttVersion.V5)
            {
                MQTTResponse response = MQTTClientApi.MQTTClient_connect5(use.Client, native.Options, null, null);
                rc = (int)response.reasonCode;
                inFlightLimit = Math.Min(inFlightLimit, ReceiveMaximum(response));
                MQTTClientApi.MQTTResponse_free(response);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_connect(use.Client, native.Options);
            }
            if (rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
            {
                native.Dispose();
                throw new MqttException((MqttReturnCode)rc, "connect");
            }
            deliveries.ConnectionStarted(inFlightLimit, PendingDeliveries(use.Client));

            // Kept until the next connect or disposal: paho may hold on to what it was given.
            connectMemory?.Dispose();
            connectMemory = native;
            byte* connectedUri = native.Options->returned.serverURI;
            int peerPort = Internal.ServerUri.Port(connectedUri is null ? ServerUri : Marshal.PtrToStringUTF8((nint)connectedUri)!);
            socket = ConnectionAborter.FindNewConnection(socketsBefore, peerPort);
        }
    }

    /// <summary>
    /// Publishes bytes (<c>MQTTClient_publish</c>). Returns once paho has accepted the message, not once
    /// it is delivered; while <see cref="ConnectOptions.MaxInflight"/> QoS 1 and 2 messages are
    /// unacknowledged, it first waits for a delivery, as paho would, but woken by the delivery rather
    /// than polling.
    /// </summary>
    /// <exception cref="MqttException">paho refused, or the connection ended while waiting (<see cref="MqttReturnCode.Disconnected"/>).</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed, also while waiting.</exception>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <returns>A token for <see cref="WaitForCompletion"/>.</returns>
    public DeliveryToken Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Utf8.CheckQos(qos, nameof(qos));
        Utf8.CheckPayloadLength(payload.Length, nameof(payload));
        int size = Utf8.BufferSize(topic);
        byte[]? rented = null;
        Span<byte> topicUtf8 = size <= Utf8.StackTopicBytes
            ? stackalloc byte[Utf8.StackTopicBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            Utf8.EncodeTopicName(topic, topicUtf8, nameof(topic));
            return PublishEncoded(topicUtf8, payload, qos, retained);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Publishes bytes (<c>MQTTClient_publish</c>).</summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    public DeliveryToken Publish(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false) =>
        Publish(topic, payload.Span, qos, retained);

    /// <summary>Publishes text as its UTF-8 bytes (<c>MQTTClient_publish</c>).</summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    public DeliveryToken Publish(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false)
    {
        ArgumentNullException.ThrowIfNull(payload);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, System.Text.Encoding.UTF8.GetMaxByteCount(payload.Length)));
        try
        {
            if (UnicodeUtf8.FromUtf16(payload, buffer, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
                throw new ArgumentException("The payload is not valid UTF-16 (it has an unpaired surrogate), so it has no UTF-8 form.", nameof(payload));
            return Publish(topic, buffer.AsSpan(0, written), qos, retained);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Publishes and completes when paho reports the delivery (PUBACK for QoS 1, PUBCOMP for QoS 2; at
    /// once for QoS 0). The publication itself happens before this returns, so with the in-flight window
    /// full it waits on the calling thread, as <see cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/> does.
    /// </summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="cancellationToken">Stops the wait, not the delivery.</param>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default)
    {
        DeliveryToken token = Publish(topic, payload.Span, qos, retained);
        return deliveries.WhenDelivered(token).WaitAsync(cancellationToken);
    }

    /// <summary>Publishes text and completes on delivery.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    public Task PublishAsync(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default)
    {
        DeliveryToken token = Publish(topic, payload, qos, retained);
        return deliveries.WhenDelivered(token).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until a publication is delivered, driven by paho's delivery-complete callback (unlike
    /// <c>MQTTClient_waitForCompletion</c>, which polls every 100 ms).
    /// </summary>
    /// <returns>True once delivered; false if <paramref name="timeout"/> passed first.</returns>
    /// <exception cref="MqttException">The connection ended before the delivery (<see cref="MqttReturnCode.Disconnected"/>).</exception>
    public bool WaitForCompletion(DeliveryToken token, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        CheckTimeout(timeout, nameof(timeout));
        return deliveries.Wait(token, timeout);
    }

    /// <summary>Subscribes (<c>MQTTClient_subscribe</c>).</summary>
    /// <param name="topicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
    /// <param name="qos">The highest QoS to receive with.</param>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttReturnCode.BadSubscribe"/>) or paho failed.</exception>
    public unsafe void Subscribe(string topicFilter, MqttQos qos = MqttQos.AtMostOnce)
    {
        Utf8.CheckQos(qos, nameof(qos));
        byte[] filter = EncodeFilter(topicFilter, nameof(topicFilter));
        using var use = Use();
        int rc;
        fixed (byte* filterPtr = filter)
        {
            if (Version == MqttVersion.V5)
            {
                MQTTResponse response = MQTTClientApi.MQTTClient_subscribe5(use.Client, filterPtr, (int)qos, null, null);
                rc = (int)response.reasonCode;
                MQTTClientApi.MQTTResponse_free(response);
                if (rc is >= 0 and <= 2)
                    rc = MQTTClientConstants.MQTTCLIENT_SUCCESS;
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_subscribe(use.Client, filterPtr, (int)qos);
            }
        }
        MqttException.ThrowIfFailed(rc, "subscribe");
    }

    /// <summary>Unsubscribes (<c>MQTTClient_unsubscribe</c>).</summary>
    /// <param name="topicFilter">The filter as it was subscribed.</param>
    public unsafe void Unsubscribe(string topicFilter)
    {
        byte[] filter = EncodeFilter(topicFilter, nameof(topicFilter));
        using var use = Use();
        int rc;
        fixed (byte* filterPtr = filter)
        {
            if (Version == MqttVersion.V5)
            {
                MQTTResponse response = MQTTClientApi.MQTTClient_unsubscribe5(use.Client, filterPtr, null);
                rc = (int)response.reasonCode;
                MQTTClientApi.MQTTResponse_free(response);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_unsubscribe(use.Client, filterPtr);
            }
        }
        MqttException.ThrowIfFailed(rc, "unsubscribe");
    }

    /// <summary>
    /// The messages received from this call on, until the client is disposed or
    /// <paramref name="cancellationToken"/> fires. The stream buffers from the call, not from the
    /// first read, so nothing that arrives in between is missed; enumerate it to the end or cancel it.
    /// </summary>
    public IAsyncEnumerable<MqttMessage> ReadMessagesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var channel = Channel.CreateUnbounded<MqttMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (messageReaders)
            messageReaders.Add(channel.Writer);
        return ReadAsync(channel, cancellationToken);
    }

    /// <summary>Sends DISCONNECT and closes the connection (<c>MQTTClient_disconnect</c>): the broker discards the will.</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    public void Disconnect(TimeSpan timeout) => DisconnectCore(timeout, MQTTReasonCodes.MQTTREASONCODE_NORMAL_DISCONNECTION);

    /// <summary>
    /// MQTT 5 only: sends DISCONNECT with reason code 0x04, "disconnect with will message", so the
    /// broker publishes the will although the client ended cleanly.
    /// </summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    public void DisconnectWithWill(TimeSpan timeout)
    {
        if (Version != MqttVersion.V5)
            throw new InvalidOperationException("Reason code 0x04 (disconnect with will message) exists only in MQTT 5; create the client with MqttVersion.V5.");
        DisconnectCore(timeout, MQTTReasonCodes.MQTTREASONCODE_DISCONNECT_WITH_WILL_MESSAGE);
    }

    /// <summary>
    /// Ends the network connection at once without DISCONNECT, as a crash would: the broker sees the
    /// connection close and publishes the will. paho then reports the connection lost.
    /// </summary>
    /// <returns>False if there was no connection to abort (or its socket could not be identified).</returns>
    public bool AbortConnection()
    {
        lock (connectionGate)
        {
            using var use = Use();
            if (MQTTClientApi.MQTTClient_isConnected(use.Client) == 0)
                return false;
            bool aborted = socket is { } connection && ConnectionAborter.Abort(connection);
            socket = null;
            return aborted;
        }
    }

    /// <summary>
    /// Destroys the client (<c>MQTTClient_destroy</c>). Like the seed's destroy without disconnect, a
    /// connected client sends no DISCONNECT, so the broker publishes its will; unlike paho alone, the
    /// socket is closed now rather than at process exit (see <see cref="AbortConnection"/>).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        lock (connectionGate)
        {
            if (socket is { } connection && MQTTClientApi.MQTTClient_isConnected(handle.DangerousGetHandle()) != 0)
                ConnectionAborter.Abort(connection);
            socket = null;
        }
        // Destroys once the last native call in progress on another thread has returned.
        handle.Dispose();
        CallbackRegistry.Unregister(callbackId);
        deliveries.ConnectionEnded();
        lock (connectionGate)
        {
            connectMemory?.Dispose();
            connectMemory = null;
        }
        events.Writer.TryComplete();
    }

    void ICallbackTarget.OnMessage(MqttMessage message) => events.Writer.TryWrite(message);

    void ICallbackTarget.OnConnectionLost(string? cause)
    {
        deliveries.ConnectionEnded();
        events.Writer.TryWrite(new ConnectionLostEventArgs(cause));
    }

    void ICallbackTarget.OnDeliveryComplete(int messageId) => deliveries.Complete(messageId);

    private unsafe DeliveryToken PublishEncoded(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained)
    {
        bool takesPlace = qos != MqttQos.AtMostOnce;
        long entered = deliveries.EnterPublish(takesPlace);
        int token = 0;
        int rc = MQTTClientConstants.MQTTCLIENT_FAILURE;
        try
        {
            using var use = Use();
            byte empty = 0;
            fixed (byte* topicPtr = topic)
            fixed (byte* payloadPtr = payload)
            {
                // An empty span pins as NULL; paho wants a pointer even for zero bytes.
                void* data = payloadPtr is null ? &empty : payloadPtr;
                if (Version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_publish5(use.Client, topicPtr, payload.Length, data, (int)qos, retained ? 1 : 0, null, &token);
                    rc = (int)response.reasonCode;
                    MQTTClientApi.MQTTResponse_free(response);
                }
                else
                {
                    rc = MQTTClientApi.MQTTClient_publish(use.Client, topicPtr, payload.Length, data, (int)qos, retained ? 1 : 0, &token);
                }
            }
        }
        finally
        {
            if (takesPlace && rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
                deliveries.CancelPublish(entered);
        }
        MqttException.ThrowIfFailed(rc, "publish");
        return deliveries.Track(takesPlace ? token : 0);
    }

    private unsafe void DisconnectCore(TimeSpan timeout, MQTTReasonCodes reason)
    {
        CheckTimeout(timeout, nameof(timeout));
        lock (connectionGate)
        {
            using var use = Use();
            int rc = Version == MqttVersion.V5
                ? MQTTClientApi.MQTTClient_disconnect5(use.Client, (int)timeout.TotalMilliseconds, reason, null)
                : MQTTClientApi.MQTTClient_disconnect(use.Client, (int)timeout.TotalMilliseconds);
            socket = null;
            deliveries.ConnectionEnded();
            MqttException.ThrowIfFailed(rc, "disconnect");
        }
    }

    private async Task DispatchAsync()
    {
        await foreach (object item in events.Reader.ReadAllAsync())
        {
            try
            {
                switch (item)
                {
                    case MqttMessage message:
                        MessageReceived?.Invoke(this, new MqttMessageReceivedEventArgs(message));
                        lock (messageReaders)
                        {
                            foreach (var reader in messageReaders)
                                reader.TryWrite(message);
                        }
                        break;
                    case ConnectionLostEventArgs lost:
                        ConnectionLost?.Invoke(this, lost);
                        break;
                }
            }
            catch (Exception e)
            {
                // A failing handler must not stop the delivery of what follows.
                Trace.TraceError($"PahoSharp: an event handler of client \"{ClientId}\" threw: {e}");
            }
        }
        lock (messageReaders)
        {
            foreach (var reader in messageReaders)
                reader.TryComplete();
        }
    }

    private async IAsyncEnumerable<MqttMessage> ReadAsync(Channel<MqttMessage> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (MqttMessage message in channel.Reader.ReadAllAsync(cancellationToken))
                yield return message;
        }
        finally
        {
            lock (messageReaders)
                messageReaders.Remove(channel.Writer);
        }
    }

    /// <summary>The broker's Receive Maximum from an MQTT 5 CONNACK, to which paho lowers its in-flight limit.</summary>
    private static unsafe int ReceiveMaximum(MQTTResponse response)
    {
        const MQTTPropertyCodes code = MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM;
        return response.properties is not null && MQTTClientApi.MQTTProperties_hasProperty(response.properties, code) != 0
            ? MQTTClientApi.MQTTProperties_getNumericValue(response.properties, code)
            : int.MaxValue;
    }

    /// <summary>How many QoS 1 and 2 messages paho still holds unacknowledged (a resumed session's).</summary>
    private static unsafe int PendingDeliveries(nint client)
    {
        int* tokens = null;
        if (MQTTClientApi.MQTTClient_getPendingDeliveryTokens(client, &tokens) != MQTTClientConstants.MQTTCLIENT_SUCCESS || tokens is null)
            return 0;
        int count = 0;
        while (tokens[count] != -1)
            count++;
        MQTTClientApi.MQTTClient_free(tokens);
        return count;
    }

    private NativeUse Use()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return new NativeUse(handle);
    }

    private static byte[] EncodeFilter(string topicFilter, string paramName)
    {
        ArgumentNullException.ThrowIfNull(topicFilter, paramName);
        byte[] buffer = new byte[Utf8.BufferSize(topicFilter)];
        Utf8.EncodeTopicFilter(topicFilter, buffer, paramName);
        return buffer;
    }

    private static byte[] NulTerminated(byte[] utf8) => [.. utf8, 0];

    private static void CheckTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > MaxTimeoutMilliseconds)
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be between zero and int.MaxValue milliseconds.");
    }

    /// <summary>Holds a reference on the handle for one native call, so a concurrent Dispose destroys only after it.</summary>
    private readonly ref struct NativeUse
    {
        private readonly MqttClientHandle handle;

        public NativeUse(MqttClientHandle handle)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            this.handle = handle;
            Client = handle.DangerousGetHandle();
        }

        public nint Client { get; }

        public void Dispose() => handle.DangerousRelease();
    }
}

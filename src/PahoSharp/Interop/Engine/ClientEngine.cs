using System.Runtime.InteropServices;
using PahoSharp.Interop.Delivery;
using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Engine;

/// <summary>
/// One client's paho <c>MQTTClient</c>: the handle, the callbacks paho calls (found through the
/// registry), the persistence bridge, the socket, the in-flight window, and the bodies of connect,
/// publish, subscribe, unsubscribe, disconnect and abort. The public client checks its arguments and
/// forwards here; the engine knows it only as the sender of its events (through <see cref="Core"/>).
/// </summary>
internal sealed class ClientEngine : IClientCallbacks
{
    private readonly MqttClientHandle handle = new();
    private readonly nint callbackId;
    private readonly ParsedServerUri serverUri;
    private readonly string serverUriText;
    private readonly string clientId;
    private readonly MqttVersion version;
    private readonly DeliveryTracker deliveries;
    private readonly ClientTelemetry telemetry;
    private readonly PersistenceBridge? persistence;
    private readonly Lock connectionGate = new();
    private readonly ClientSocketOwner socket = new();
    private ConnectOptionsWriter? connectMemory;
    private EncodedTopic? knownTopic;
    private string? lastTopic;
    private volatile bool everConnected;

    /// <summary>Creates paho's client (<c>MQTTClient_createWithOptions</c> for MQTT 5, <c>MQTTClient_create</c> otherwise) and registers the callbacks.</summary>
    /// <param name="owner">The public client: the sender of the events, and the object a disposed client names.</param>
    /// <param name="options">Checked already (<see cref="ClientCore.CheckOptions"/>).</param>
    /// <param name="serverUri">The server URI as checked.</param>
    /// <param name="uriName">The public constructor's parameter name for the server URI.</param>
    /// <param name="idName">The public constructor's parameter name for the client identifier.</param>
    /// <param name="persistenceName">The public constructor's parameter name for the persistence.</param>
    public ClientEngine(object owner, MqttClientOptions options, ParsedServerUri serverUri, string uriName, string idName, string persistenceName)
    {
        this.serverUri = serverUri;
        serverUriText = options.ServerUri;
        clientId = options.ClientId;
        version = options.Version;

        telemetry = new ClientTelemetry(options.LoggerFactory, owner.GetType().FullName!, clientId, serverUriText, options.ReceiveBufferCapacity, () => deliveries!.InFlight);
        if (options.Persistence.Store is { } store)
            persistence = PersistenceBridge.ForClient(store, telemetry);
        try
        {
            handle.Initialize(Create(options, uriName, idName, persistenceName, persistence));
        }
        catch
        {
            persistence?.Dispose();
            telemetry.Dispose();
            throw;
        }
        Core = new ClientCore(owner, options, PahoThread.Client, telemetry);
        deliveries = new DeliveryTracker(ReadPahoPending, PahoThread.Client, telemetry);
        callbackId = CallbackRegistry<IClientCallbacks>.Register(this);
        int rc = ClientCallbacks.Set(handle.DangerousGetHandle(), callbackId, version == MqttVersion.V5);
        if (rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
        {
            CallbackRegistry<IClientCallbacks>.Unregister(callbackId);
            Core.Dispatcher.Close();
            handle.Dispose();
            persistence?.Dispose();
            telemetry.Dispose();
            Outcomes.ThrowIfFailed(rc, "set callbacks");
        }
    }

    /// <summary>What both clients share: dispatch, readers, handlers, the events, the disposed flag.</summary>
    public ClientCore Core { get; }

    /// <summary>Whether paho is connected now (false once disposed).</summary>
    public bool IsConnected
    {
        get
        {
            if (Core.IsDisposed)
                return false;
            using var use = Use();
            return MQTTClientApi.MQTTClient_isConnected(use.Client) != 0;
        }
    }

    /// <summary>Everything <c>MQTTClient_getVersionInfo</c> reports about the loaded paho.</summary>
    public static unsafe IReadOnlyDictionary<string, string> ReadVersionInfo()
    {
        var info = new Dictionary<string, string>();
        for (MQTTClient_nameValue* entry = MQTTClientApi.MQTTClient_getVersionInfo(); entry->name is not null; entry++)
            info[Marshal.PtrToStringUTF8((nint)entry->name)!] = Marshal.PtrToStringUTF8((nint)entry->value) ?? "";
        return info;
    }

    /// <summary>Connects (<c>MQTTClient_connect</c>, or <c>MQTTClient_connect5</c> for MQTT 5), speaking the client's version.</summary>
    public MqttConnectResult Connect(ConnectOptions options)
    {
        var (uris, connectVersion) = ConnectOptionsCheck.Check(options, version, serverUri, canReconnect: false);
        lock (connectionGate)
        {
            using var use = Use();
            // paho would open a second socket and leak the first (paho 1.3.12 to 1.3.15).
            if (MQTTClientApi.MQTTClient_isConnected(use.Client) != 0)
                throw new InvalidOperationException("The client is connected already; call Disconnect (or AbortConnection) before connecting again.");
            long started = ClientTelemetry.ConnectStarting();
            try
            {
                MqttConnectResult result = ConnectLocked(use.Client, options, connectVersion, uris);
                everConnected = true;
                telemetry.Connected(result, started);
                return result;
            }
            catch (MqttException e)
            {
                telemetry.ConnectFailed(e, serverUriText, started);
                throw;
            }
        }
    }

    /// <summary>Publishes checked arguments (<c>MQTTClient_publish</c>, or <c>MQTTClient_publish5</c> for MQTT 5).</summary>
    /// <param name="topic">The topic name, not yet encoded (the encoding checks it, in this parameter's name).</param>
    /// <param name="payload">The payload, its length checked.</param>
    /// <param name="qos">The quality of service, checked.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="properties">The publication properties, checked for the packet.</param>
    public DeliveryToken Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, MqttProperties? properties)
    {
        // Encoding and checking the topic was a third of this method's own work (perf, QoS 0): a topic
        // that a publisher repeats is encoded once. The same text encodes and checks the same way.
        if (knownTopic is { } known && string.Equals(known.Text, topic, StringComparison.Ordinal))
            return Publish(known.Terminated, topic, payload, qos, retained, properties);
        using var topicName = Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], nameof(topic));
        // Kept once it comes twice in a row, so a publisher that changes its topic every time allocates nothing.
        if (string.Equals(lastTopic, topic, StringComparison.Ordinal))
            knownTopic = new EncodedTopic(topic, topicName.Terminated.ToArray());
        else
            lastTopic = topic;
        return Publish(topicName.Terminated, topic, payload, qos, retained, properties);
    }

    private DeliveryToken Publish(ReadOnlySpan<byte> topicName, string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, MqttProperties? properties)
    {
        var measure = new PublishMeasure(ClientTelemetry.PublishStarting(), telemetry.StartPublish(topic, qos, retained, payload.Length));
        // MQTT 5 carries the span's context to the subscribers, in a user property.
        List<MqttUserProperty>? traceContext = measure.Activity is { } activity && version == MqttVersion.V5 ? TraceContextCarrier.Inject(activity, properties) : null;
        if (properties is null or { IsEmpty: true } && traceContext is null)
            return PublishEncoded(topicName, payload, qos, retained, null, measure);
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Publish, nameof(properties), traceContext);
        return PublishEncoded(topicName, payload, qos, retained, written, measure);
    }

    /// <summary>A task that completes when the broker has acknowledged the publication of <paramref name="token"/>.</summary>
    public ValueTask<MqttPublishResult> WhenDelivered(DeliveryToken token) => deliveries.WhenDelivered(token);

    /// <summary>Waits for the broker's acknowledgement of one of this client's publications.</summary>
    /// <param name="token">A token from this client's <c>Publish</c>; another client's is refused in this parameter's name.</param>
    /// <param name="timeout">How long to wait, checked.</param>
    public bool WaitForCompletion(DeliveryToken token, TimeSpan timeout)
    {
        if (token.Ledger is { } ledger && ledger.Owner != deliveries)
            throw new ArgumentException("The token is another client's: wait for it through the client that published it.", nameof(token));
        return deliveries.Wait(token, timeout);
    }

    /// <summary>Subscribes to one filter (<c>MQTTClient_subscribeMany</c>, or <c>MQTTClient_subscribe5</c> for MQTT 5).</summary>
    /// <param name="topicFilter">The filter, not yet encoded (the encoding checks it, in this parameter's name).</param>
    /// <param name="qos">The highest QoS to receive with, checked.</param>
    public unsafe MqttSubscribeResult Subscribe(string topicFilter, MqttQos qos)
    {
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], nameof(topicFilter));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            fixed (byte* filterPtr = filter)
            {
                if (version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_subscribe5(use.Client, filterPtr, (int)qos, null, null);
                    try
                    {
                        ThrowIfNotConnected((int)response.reasonCode, "subscribe");
                        return Outcomes.Subscribed5(topicFilter, qos, response);
                    }
                    finally
                    {
                        MQTTClientApi.MQTTResponse_free(response);
                    }
                }
                byte* filters = filterPtr;
                int granted = (int)qos;
                int rc = MQTTClientApi.MQTTClient_subscribeMany(use.Client, 1, &filters, &granted);
                ThrowIfNotConnected(rc, "subscribe");
                return Outcomes.Subscribed(topicFilter, qos, rc, granted);
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
        }
    }

    /// <summary>Subscribes to several filters in one SUBSCRIBE (<c>MQTTClient_subscribeMany</c>, <c>MQTTClient_subscribeMany5</c>).</summary>
    /// <param name="subscriptions">The filters, checked (<see cref="ClientCore.CheckSubscriptions"/>).</param>
    /// <param name="properties">The SUBSCRIBE properties, checked for the packet.</param>
    public unsafe IReadOnlyList<MqttSubscribeResult> Subscribe(MqttSubscription[] subscriptions, MqttProperties? properties)
    {
        bool mqtt5 = version == MqttVersion.V5;
        using var arena = new NativeArena();
        var topics = arena.AllocateArray<nint>(subscriptions.Length);
        var qos = arena.AllocateArray<int>(subscriptions.Length);
        var options = arena.AllocateArray<MQTTSubscribe_options>(subscriptions.Length);
        Span<byte> stack = stackalloc byte[Utf8z.StackBytes];
        for (int i = 0; i < subscriptions.Length; i++)
        {
            using var filter = Utf8z.TopicFilter(subscriptions[i].TopicFilter, stack, nameof(subscriptions));
            topics[i] = (nint)arena.CopyBytes(filter.Terminated);
            qos[i] = (int)subscriptions[i].Qos;
            options[i] = SubscribeOptionsWriter.Write(subscriptions[i]);
        }
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Subscribe, nameof(properties));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            if (!mqtt5)
            {
                ThrowIfFailed(MQTTClientApi.MQTTClient_subscribeMany(use.Client, subscriptions.Length, (byte**)topics, qos), "subscribe");
                return Outcomes.SubscribeResults(subscriptions, new ReadOnlySpan<int>(qos, subscriptions.Length), null);
            }
            MQTTResponse response = MQTTClientApi.MQTTClient_subscribeMany5(use.Client, subscriptions.Length, (byte**)topics, qos, options, written.Native);
            try
            {
                ThrowIfNotConnected((int)response.reasonCode, "subscribe");
                return Outcomes.SubscribedMany5(subscriptions, response);
            }
            finally
            {
                MQTTClientApi.MQTTResponse_free(response);
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
        }
    }

    /// <summary>Unsubscribes (<c>MQTTClient_unsubscribe</c>, or <c>MQTTClient_unsubscribe5</c> for MQTT 5).</summary>
    /// <param name="topicFilter">The filter, not yet encoded (the encoding checks it, in this parameter's name).</param>
    /// <param name="properties">The UNSUBSCRIBE properties, checked for the packet.</param>
    public unsafe MqttReasonCode Unsubscribe(string topicFilter, MqttProperties? properties)
    {
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Unsubscribe, nameof(properties));
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], nameof(topicFilter));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            fixed (byte* filterPtr = filter)
            {
                if (version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_unsubscribe5(use.Client, filterPtr, written.Native);
                    try
                    {
                        ThrowIfNotConnected((int)response.reasonCode, "unsubscribe");
                        return Outcomes.Unsubscribed5(response);
                    }
                    finally
                    {
                        MQTTClientApi.MQTTResponse_free(response);
                    }
                }
                ThrowIfFailed(MQTTClientApi.MQTTClient_unsubscribe(use.Client, filterPtr), "unsubscribe");
                return MqttReasonCode.Success;
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
        }
    }

    /// <summary>Sends DISCONNECT (<c>MQTTClient_disconnect</c>, or <c>MQTTClient_disconnect5</c> with the reason code for MQTT 5).</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first; checked here, in this parameter's name.</param>
    /// <param name="reasonCode">The MQTT 5 reason code (ignored for MQTT 3.1.1).</param>
    /// <param name="properties">The DISCONNECT properties, checked for the packet.</param>
    public unsafe void Disconnect(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties)
    {
        Check.Timeout(timeout, nameof(timeout));
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Disconnect, nameof(properties));
        lock (connectionGate)
        {
            using var use = Use();
            int rc;
            PahoThread.Client.EnterWait();
            try
            {
                rc = version == MqttVersion.V5
                    ? MQTTClientApi.MQTTClient_disconnect5(use.Client, (int)timeout.TotalMilliseconds, (MQTTReasonCodes)reasonCode, written.Native)
                    : MQTTClientApi.MQTTClient_disconnect(use.Client, (int)timeout.TotalMilliseconds);
            }
            finally
            {
                PahoThread.Client.ExitWait();
            }
            // paho has closed its descriptor: ours must go too, or the connection would linger.
            socket.Forget();
            deliveries.ConnectionEnded();
            Outcomes.ThrowIfFailed(rc, "disconnect");
            telemetry.Disconnected();
        }
    }

    /// <summary>Ends the connection at once without DISCONNECT and waits for paho to see it end.</summary>
    /// <returns>False if there was no connection to abort, or paho's socket for it is not known.</returns>
    public bool AbortConnection()
    {
        lock (connectionGate)
        {
            using var use = Use();
            if (MQTTClientApi.MQTTClient_isConnected(use.Client) == 0)
                return false;
            return socket.AbortAndWaitForLoss();
        }
    }

    /// <summary>Destroys paho's client (<c>MQTTClient_destroy</c>) after ending a connection without DISCONNECT; the first call only.</summary>
    public void Dispose()
    {
        if (!Core.MarkDisposed())
            return;
        // First: no handler runs after this, and paho's thread is no longer held by a full buffer.
        Core.Dispatcher.Close();
        lock (connectionGate)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                // paho's destroy would leave the socket open and in paho's poll set: end it, and let
                // paho close its descriptor, first.
                if (MQTTClientApi.MQTTClient_isConnected(handle.DangerousGetHandle()) != 0 && !socket.AbortAndWaitForLoss())
                    telemetry.DestroyedWithUnknownSocket();
            }
            finally
            {
                handle.DangerousRelease();
            }
        }
        // Destroys once the last native call in progress on another thread has returned.
        handle.Dispose();
        CallbackRegistry<IClientCallbacks>.Unregister(callbackId);
        persistence?.Dispose();
        deliveries.ConnectionEnded();
        socket.Forget();
        lock (connectionGate)
        {
            connectMemory?.Dispose();
            connectMemory = null;
        }
        Core.Readers.CompleteAll();
        telemetry.Dispose();
    }

    unsafe void IClientCallbacks.OnMessageArrived(ReadOnlySpan<byte> topic, MQTTClient_message* message) =>
        Core.OnMessageArrived(topic, message->payload, message->payloadlen, message->qos, message->retained, message->dup, &message->properties);

    void IClientCallbacks.OnConnectionLost(string? cause) => ConnectionEnded(new ConnectionLostEventArgs(cause));

    unsafe void IClientCallbacks.OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
        ConnectionEnded(new ConnectionLostEventArgs(null, (MqttReasonCode)reasonCode, PropertyReader.ReasonString(properties), PropertiesReader.Read(properties)));

    void IClientCallbacks.OnDeliveryComplete(int token) => deliveries.OnDeliveryComplete(token);

    unsafe void IClientCallbacks.OnPublished(int token, int packetType, MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
        deliveries.OnPublished(token, packetType, reasonCode, PropertyReader.ReasonString(properties));

    /// <summary>paho ended the connection and has closed its descriptor (it closes the session before it calls back).</summary>
    private void ConnectionEnded(ConnectionLostEventArgs lost)
    {
        telemetry.ConnectionLost(lost);
        deliveries.ConnectionEnded();
        socket.Lost();
        Core.Dispatcher.PostEvent(lost);
    }

    /// <summary>Connects, the connection gate held and the client known to be disconnected.</summary>
    private unsafe MqttConnectResult ConnectLocked(nint client, ConnectOptions options, MqttVersion connectVersion, IReadOnlyList<ParsedServerUri> uris)
    {
        bool mqtt5 = version == MqttVersion.V5;
        long started = Environment.TickCount64;
        var (pahoUris, timeLeft) = HostResolver.Resolve(uris, options.ConnectTimeout);
        // paho tries serverURIs instead of its own URI: the own one goes there once its name is resolved.
        bool ownUriAsIs = options.ServerUris.Count == 0 && pahoUris[0] == serverUriText;
        var writer = new ConnectOptionsWriter(options, connectVersion, ownUriAsIs ? [] : pahoUris, timeLeft);
        long lossesBefore = socket.Losses;
        deliveries.ConnectionStarting(mqtt5, options.MaxInflight);
        SocketCapture capture = ClientTrace.BeginCapture();
        int rc;
        int windowLimit = options.MaxInflight;
        MqttException? failure;
        MqttProperties? connackProperties = null;
        try
        {
            PahoThread.Client.EnterWait();
            if (mqtt5)
            {
                MQTTResponse response = MQTTClientApi.MQTTClient_connect5(client, writer.Options, writer.ConnectProperties, writer.WillProperties);
                rc = (int)response.reasonCode;
                failure = Outcomes.ConnectFailure(rc, mqtt5, response.properties);
                connackProperties = PropertiesReader.Read(response.properties);
                if (PropertyReader.Number(response.properties, MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM) is { } receiveMaximum)
                    windowLimit = (int)Math.Min(windowLimit, receiveMaximum);
                MQTTClientApi.MQTTResponse_free(response);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_connect(client, writer.Options);
                failure = Outcomes.ConnectFailure(rc, mqtt5, null);
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
            ClientTrace.EndCapture();
        }
        // paho's bare "failure" says nothing of the cause: the trace and the clock may.
        if (rc == MQTTClientConstants.MQTTCLIENT_FAILURE)
            failure = ConnectFailure.Client(rc, uris, pahoUris, options.ConnectTimeout, started, clientId);
        if (failure is not null)
        {
            capture.Dispose();
            writer.Dispose();
            deliveries.ConnectionEnded();
            throw failure;
        }

        MqttConnectResult result = ConnectResult(writer.Options, connectVersion, uris, pahoUris) with { Properties = connackProperties };
        socket.Adopt(capture.TakeLatest(), lossesBefore, ServerUriFor(result.ServerUri, uris).Port);
        deliveries.ConnectionStarted(windowLimit, PendingIds(client));
        // Kept until the next connect or disposal: paho may hold on to what it was given.
        connectMemory?.Dispose();
        connectMemory = writer;
        return result;
    }

    private static unsafe nint Create(MqttClientOptions options, string uriName, string idName, string persistenceName, PersistenceBridge? store)
    {
        using var uri = Utf8z.String(options.ServerUri, stackalloc byte[Utf8z.StackBytes], uriName);
        using var id = Utf8z.String(options.ClientId, stackalloc byte[Utf8z.StackBytes], idName);
        string? directoryName = options.Persistence.Directory;
        using var directory = Utf8z.String(directoryName ?? "", stackalloc byte[Utf8z.StackBytes], persistenceName);
        int persistenceType = directoryName is not null ? MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_DEFAULT
            : store is not null ? MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_USER
            : MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE;
        nint client = 0;
        int rc;
        fixed (byte* uriPtr = uri)
        fixed (byte* idPtr = id)
        fixed (byte* directoryPtr = directory)
        {
            void* directoryArgument = directoryName is not null ? directoryPtr : store is not null ? store.Native : null;
            if (options.Version == MqttVersion.V5)
            {
                MQTTClient_createOptions createOptions = Initializers.MQTTClient_createOptions_initializer;
                createOptions.MQTTVersion = (int)options.Version;
                rc = MQTTClientApi.MQTTClient_createWithOptions(&client, uriPtr, idPtr, persistenceType, directoryArgument, &createOptions);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_create(&client, uriPtr, idPtr, persistenceType, directoryArgument);
            }
        }
        Outcomes.ThrowIfFailed(rc, "create");
        return client;
    }

    private static unsafe MqttConnectResult ConnectResult(MQTTClient_connectOptions* native, MqttVersion requested, IReadOnlyList<ParsedServerUri> uris, IReadOnlyList<string> pahoUris)
    {
        string connected = native->returned.serverURI is null ? pahoUris[0] : Marshal.PtrToStringUTF8((nint)native->returned.serverURI)!;
        string uri = ReportedUri.Of(connected, uris, pahoUris);
        MqttVersion spoken = native->returned.MQTTVersion is var v && Enum.IsDefined((MqttVersion)v) && v != 0 ? (MqttVersion)v : requested;
        return new MqttConnectResult(uri, spoken, native->returned.sessionPresent != 0);
    }

    private static ParsedServerUri ServerUriFor(string text, IReadOnlyList<ParsedServerUri> uris) =>
        uris.FirstOrDefault(u => u.Text == text) ?? uris[0];

    private unsafe DeliveryToken PublishEncoded(ReadOnlySpan<byte> terminatedTopic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter? properties, PublishMeasure measure)
    {
        bool takesPlace = qos != MqttQos.AtMostOnce;
        DeliveryLedger reserved = deliveries.EnterPublish(takesPlace);
        int token = 0;
        int rc = MQTTClientConstants.MQTTCLIENT_FAILURE;
        // paho may need its thread to finish writing this packet: a full receive buffer must not hold it meanwhile.
        PahoThread.Client.EnterWait();
        try
        {
            using var use = Use();
            byte empty = 0;
            fixed (byte* topicPtr = terminatedTopic)
            fixed (byte* payloadPtr = payload)
            {
                // An empty span pins as NULL; paho wants a pointer even for zero bytes.
                void* data = payloadPtr is null ? &empty : payloadPtr;
                if (version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_publish5(use.Client, topicPtr, payload.Length, data, (int)qos, retained ? 1 : 0, properties is null ? null : properties.Native, &token);
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
            PahoThread.Client.ExitWait();
            if (rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
            {
                deliveries.Cancel(reserved, takesPlace);
                telemetry.PublishEnded(qos, payload.Length, measure.Started, measure.Activity, ((MqttReturnCode)rc).ToString(), "paho refused the publication");
            }
        }
        ThrowIfNotConnected(rc, "publish");
        Outcomes.ThrowIfPublishFailed(rc);
        return deliveries.Track(reserved, token, qos, payload.Length, measure);
    }

    /// <summary>paho's pending delivery tokens (<c>MQTTClient_getPendingDeliveryTokens</c>), or null once the client is gone.</summary>
    private HashSet<int>? ReadPahoPending()
    {
        try
        {
            using var use = Use();
            return PendingIds(use.Client);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private static unsafe HashSet<int> PendingIds(nint client)
    {
        var ids = new HashSet<int>();
        int* tokens = null;
        if (MQTTClientApi.MQTTClient_getPendingDeliveryTokens(client, &tokens) != MQTTClientConstants.MQTTCLIENT_SUCCESS || tokens is null)
            return ids;
        for (int i = 0; tokens[i] != -1; i++)
            ids.Add(tokens[i]);
        MQTTClientApi.MQTTClient_free(tokens);
        return ids;
    }

    /// <summary>paho's refusal as an exception, said in words when the client has no connection.</summary>
    private void ThrowIfFailed(int rc, string operation)
    {
        ThrowIfNotConnected(rc, operation);
        Outcomes.ThrowIfFailed(rc, operation);
    }

    private void ThrowIfNotConnected(int rc, string operation)
    {
        if (rc != MQTTClientConstants.MQTTCLIENT_DISCONNECTED)
            return;
        throw MqttException.NotConnected(operation, async: false, everConnected
            ? "the client is not connected: its connection ended (ConnectionLost tells when and why); call Connect again"
            : "the client is not connected yet: call Connect first");
    }

    private NativeUse Use() => Core.Lease(handle);
}

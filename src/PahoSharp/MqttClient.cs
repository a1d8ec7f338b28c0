using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Interop;
using PahoSharp.Interop.Delivery;
using PahoSharp.Interop.Operations;
using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.Telemetry;

[module: SkipLocalsInit]

namespace PahoSharp;

/// <summary>
/// An MQTT client over paho.mqtt.c's synchronous <c>MQTTClient</c> API. Thread-safe: any thread may
/// publish, subscribe or disconnect, including the handlers of <see cref="MessageReceived"/> and
/// <see cref="ConnectionLost"/>, which run on a dispatcher of this client's, never on paho's thread.
/// Dispose it: an undisposed client stays registered for paho's callbacks and is never collected.
/// </summary>
public sealed class MqttClient : IDisposable, IClientCallbacks
{
    /// <summary>How long <see cref="AbortConnection"/> and <see cref="Dispose"/> wait for paho to see the connection end.</summary>
    private static readonly TimeSpan LossTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="Disconnect()"/> lets paho complete messages in flight.</summary>
    private static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly MqttClientHandle handle = new();
    private readonly nint callbackId;
    private readonly ParsedServerUri serverUri;
    private readonly ClientCore core;
    private readonly DeliveryTracker deliveries;
    private readonly ClientTelemetry telemetry;
    private readonly PersistenceBridge? persistence;
    private readonly Lock connectionGate = new();
    private readonly object socketGate = new();
    private ConnectOptionsWriter? connectMemory;
    private ConnectionSocket? socket;
    private long losses;
    private volatile bool everConnected;

    /// <summary>Creates a client without persistence speaking MQTT 3.1.1 (<c>MQTTClient_create</c>).</summary>
    /// <param name="serverUri">The broker, for instance <c>tcp://127.0.0.1:1883</c>.</param>
    /// <param name="clientId">The client identifier the broker knows this client by.</param>
    public MqttClient(string serverUri, string clientId)
        : this(serverUri, clientId, ClientPersistence.None, MqttVersion.V3_1_1)
    {
    }

    /// <summary>Creates a client (<c>MQTTClient_createWithOptions</c> for MQTT 5, <c>MQTTClient_create</c> otherwise).</summary>
    /// <param name="serverUri">The broker, for instance <c>tcp://127.0.0.1:1883</c>.</param>
    /// <param name="clientId">The client identifier the broker knows this client by.</param>
    /// <param name="persistence">Where in-flight messages are kept.</param>
    /// <param name="version">The MQTT version every connect speaks: MQTT 3.1.1 by default; <see cref="MqttVersion.V5"/> for MQTT 5; <see cref="MqttVersion.Default"/> for paho's fallback to MQTT 3.1 after any failure (a second attempt).</param>
    public MqttClient(string serverUri, string clientId, ClientPersistence persistence, MqttVersion version = MqttVersion.V3_1_1)
        : this(CreationOptions(serverUri, clientId, persistence, version), nameof(serverUri), nameof(clientId), nameof(persistence), nameof(version))
    {
    }

    /// <summary>Creates a client from <paramref name="options"/>.</summary>
    /// <param name="options">The server, client identifier, persistence, MQTT version and receive buffer.</param>
    public MqttClient(MqttClientOptions options)
        : this(options ?? throw new ArgumentNullException(nameof(options)), nameof(options), nameof(options), nameof(options), nameof(options))
    {
    }

    private MqttClient(MqttClientOptions options, string uriName, string idName, string persistenceName, string versionName)
    {
        serverUri = ClientCore.CheckOptions(options, uriName, idName, persistenceName, versionName);
        if (options.OfflineBuffer is not null)
            throw new ArgumentException("paho's synchronous MQTTClient has no offline buffer; use MqttAsyncClient.", nameof(options));

        ServerUri = options.ServerUri;
        ClientId = options.ClientId;
        Version = options.Version;

        telemetry = new ClientTelemetry(options.LoggerFactory, typeof(MqttClient).FullName!, ClientId, ServerUri, options.ReceiveBufferCapacity, () => deliveries!.InFlight);
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
        core = new ClientCore(this, options, PahoThread.Client, telemetry);
        deliveries = new DeliveryTracker(ReadPahoPending, PahoThread.Client, telemetry);
        callbackId = CallbackRegistry<IClientCallbacks>.Register(this);
        int rc = ClientCallbacks.Set(handle.DangerousGetHandle(), callbackId, Version == MqttVersion.V5);
        if (rc != MQTTClientConstants.MQTTCLIENT_SUCCESS)
        {
            CallbackRegistry<IClientCallbacks>.Unregister(callbackId);
            core.Dispatcher.Close();
            handle.Dispose();
            persistence?.Dispose();
            telemetry.Dispose();
            NativeResults.ThrowIfFailed(rc, "set callbacks");
        }
    }

    /// <summary>A message arrived on a subscription. Raised on the client's dispatcher, in arrival order.</summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived
    {
        add => core.MessageReceived += value;
        remove => core.MessageReceived -= value;
    }

    /// <summary>The connection ended without <see cref="Disconnect(TimeSpan)"/>. Raised on the client's dispatcher.</summary>
    public event EventHandler<ConnectionLostEventArgs>? ConnectionLost
    {
        add => core.ConnectionLost += value;
        remove => core.ConnectionLost -= value;
    }

    /// <summary>The broker URI the client was created with.</summary>
    public string ServerUri { get; }

    /// <summary>The client identifier.</summary>
    public string ClientId { get; }

    /// <summary>The MQTT version the client was created for, which every connect speaks.</summary>
    public MqttVersion Version { get; }

    /// <summary>Whether the client is connected now (false once disposed).</summary>
    public bool IsConnected
    {
        get
        {
            if (core.IsDisposed)
                return false;
            using var use = Use();
            return MQTTClientApi.MQTTClient_isConnected(use.Client) != 0;
        }
    }

    /// <summary>Received messages dropped because the receive buffer was full (<see cref="ReceiveBufferFullMode.DropNewest"/>).</summary>
    public long DroppedMessages => core.Dispatcher.Dropped;

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

    /// <summary>Connects with the default <see cref="ConnectOptions"/> (clean session, keep-alive 60 s, connect timeout 30 s) to the client's own URI.</summary>
    /// <returns>The server connected to, the MQTT version spoken, and whether the broker resumed a session.</returns>
    /// <exception cref="InvalidOperationException">The client is connected already: disconnect first.</exception>
    /// <exception cref="MqttException">paho or the broker refused: the message says why, with the URI; the codes say which.</exception>
    public MqttConnectResult Connect() => Connect(new ConnectOptions());

    /// <summary>Connects (<c>MQTTClient_connect</c>, or <c>MQTTClient_connect5</c> for MQTT 5), speaking the client's <see cref="Version"/>.</summary>
    /// <param name="options">How to connect.</param>
    /// <returns>The server connected to, the MQTT version spoken, and whether the broker resumed a session.</returns>
    /// <exception cref="ArgumentException">The options do not fit this client (MQTT version, a password without a user name under MQTT 3.1.1, a bad server URI, a TLS URI without <see cref="ConnectOptions.Tls"/>).</exception>
    /// <exception cref="InvalidOperationException">The client is connected already: disconnect first.</exception>
    /// <exception cref="MqttException">
    /// paho or the broker refused: the message says why with the URI (refused, no such host, timed out
    /// after the connect timeout, or that paho gave no cause); the codes say which.
    /// </exception>
    public MqttConnectResult Connect(ConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (uris, version) = ConnectOptionsCheck.Check(options, Version, serverUri, canReconnect: false);
        lock (connectionGate)
        {
            using var use = Use();
            // paho would open a second socket and leak the first (paho 1.3.12 to 1.3.15).
            if (MQTTClientApi.MQTTClient_isConnected(use.Client) != 0)
                throw new InvalidOperationException("The client is connected already; call Disconnect (or AbortConnection) before connecting again.");
            long started = ClientTelemetry.ConnectStarting();
            try
            {
                MqttConnectResult result = ConnectLocked(use.Client, options, version, uris);
                everConnected = true;
                telemetry.Connected(result, started);
                return result;
            }
            catch (MqttException e)
            {
                telemetry.ConnectFailed(e, ServerUri, started);
                throw;
            }
        }
    }

    /// <summary>Connects, the connection gate held and the client known to be disconnected.</summary>
    private unsafe MqttConnectResult ConnectLocked(nint client, ConnectOptions options, MqttVersion version, IReadOnlyList<ParsedServerUri> uris)
    {
        bool mqtt5 = Version == MqttVersion.V5;
        long started = Environment.TickCount64;
        var (pahoUris, timeLeft) = HostResolver.Resolve(uris, options.ConnectTimeout);
        // paho tries serverURIs instead of its own URI: the own one goes there once its name is resolved.
        bool ownUriAsIs = options.ServerUris.Count == 0 && pahoUris[0] == ServerUri;
        var writer = new ConnectOptionsWriter(options, version, ownUriAsIs ? [] : pahoUris, timeLeft);
        long lossesBefore = Interlocked.Read(ref losses);
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
                failure = NativeResults.ConnectFailure(rc, mqtt5, response.properties);
                connackProperties = PropertiesReader.Read(response.properties);
                if (PropertyReader.Number(response.properties, MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM) is { } receiveMaximum)
                    windowLimit = (int)Math.Min(windowLimit, receiveMaximum);
                MQTTClientApi.MQTTResponse_free(response);
            }
            else
            {
                rc = MQTTClientApi.MQTTClient_connect(client, writer.Options);
                failure = NativeResults.ConnectFailure(rc, mqtt5, null);
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
            ClientTrace.EndCapture();
        }
        // paho's bare "failure" says nothing of the cause: the trace and the clock may.
        if (rc == MQTTClientConstants.MQTTCLIENT_FAILURE)
            failure = ConnectFailure.Client(rc, uris, pahoUris, options.ConnectTimeout, started, ClientId);
        if (failure is not null)
        {
            capture.Dispose();
            writer.Dispose();
            deliveries.ConnectionEnded();
            throw failure;
        }

        MqttConnectResult result = ConnectResult(writer.Options, version, uris, pahoUris) with { Properties = connackProperties };
        AdoptSocket(capture.TakeLatest(), lossesBefore, ServerUriFor(result.ServerUri, uris).Port);
        deliveries.ConnectionStarted(windowLimit, PendingIds(client));
        // Kept until the next connect or disposal: paho may hold on to what it was given.
        connectMemory?.Dispose();
        connectMemory = writer;
        return result;
    }

    /// <summary>
    /// Publishes bytes (<c>MQTTClient_publish</c>). Returns once paho has accepted the message, not once
    /// it is delivered; while <see cref="ConnectOptions.MaxInflight"/> QoS 1 and 2 messages are
    /// unacknowledged, it first waits for a place, as paho would, but woken by the acknowledgement
    /// rather than polling.
    /// </summary>
    /// <exception cref="MqttException">
    /// paho did not take it; <see cref="MqttException.ErrorCode"/> says why: <see cref="MqttErrorCode.NotConnected"/>;
    /// <see cref="MqttErrorCode.ConnectionLost"/> (the connection broke while paho wrote this QoS 0 message);
    /// <see cref="MqttErrorCode.InflightWindowFull"/> (paho's window is full of messages it keeps until the
    /// connection ends). A publication's later outcome (<see cref="WaitForCompletion"/>, <see cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>)
    /// says <see cref="MqttErrorCode.RefusedByBroker"/>, <see cref="MqttErrorCode.ConnectionLost"/> or
    /// <see cref="MqttErrorCode.Qos2AnsweredWithPuback"/>.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The client was disposed, also while waiting.</exception>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <returns>A token for <see cref="WaitForCompletion"/>.</returns>
    public DeliveryToken Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false) =>
        Publish(topic, payload, qos, retained, null);

    /// <summary>Publishes bytes with MQTT 5 publication properties (<c>MQTTClient_publish5</c>).</summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="properties">Payload format, message expiry, content type, response topic, correlation data, topic alias, user properties; MQTT 5 only.</param>
    public DeliveryToken Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, MqttProperties? properties)
    {
        Check.Qos(qos, nameof(qos));
        MqttText.CheckPayloadLength(payload.Length, nameof(payload));
        CheckProperties(properties, PropertyPacket.Publish, nameof(properties));
        using var topicName = Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], nameof(topic));
        var measure = new PublishMeasure(ClientTelemetry.PublishStarting(), telemetry.StartPublish(topic, qos, retained, payload.Length));
        // MQTT 5 carries the span's context to the subscribers, in a user property.
        List<MqttUserProperty>? traceContext = measure.Activity is { } activity && Version == MqttVersion.V5 ? TraceContextCarrier.Inject(activity, properties) : null;
        if (properties is null or { IsEmpty: true } && traceContext is null)
            return PublishEncoded(topicName, payload, qos, retained, null, measure);
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Publish, nameof(properties), traceContext);
        return PublishEncoded(topicName, payload, qos, retained, written, measure);
    }

    /// <summary>Publishes bytes (<c>MQTTClient_publish</c>).</summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    public DeliveryToken Publish(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false) =>
        Publish(topic, payload.Span, qos, retained);

    /// <summary>Publishes text as its UTF-8 bytes (<c>MQTTClient_publish</c>).</summary>
    /// <inheritdoc cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/>
    public DeliveryToken Publish(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false)
    {
        byte[] buffer = Utf8Payload.Rent(payload, nameof(payload), out int written);
        try
        {
            return Publish(topic, buffer.AsSpan(0, written), qos, retained);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Publishes and completes when the broker has acknowledged it (PUBACK for QoS 1, PUBCOMP for QoS 2;
    /// at once for QoS 0), with the broker's reason code. The publication itself happens before this
    /// returns, so with the in-flight window full it waits on the calling thread, as
    /// <see cref="Publish(string, ReadOnlySpan{byte}, MqttQos, bool)"/> does.
    /// </summary>
    /// <exception cref="MqttException">
    /// Also through the task: an MQTT 5 broker refused it (<see cref="MqttException.ReasonCode"/>), or the
    /// connection ended before the acknowledgement (<see cref="MqttReturnCode.Disconnected"/>).
    /// </exception>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="cancellationToken">Stops the wait, not the delivery.</param>
    /// <returns>
    /// The result, as a ValueTask that allocates nothing when awaited: await it once (keep
    /// <see cref="ValueTask{TResult}.AsTask"/> to await it again or to use <see cref="Task.WhenAll(Task[])"/>).
    /// </returns>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default) =>
        deliveries.WhenDelivered(Publish(topic, payload.Span, qos, retained)).WaitAsync(cancellationToken);

    /// <summary>Publishes with MQTT 5 publication properties and completes when the broker has acknowledged it.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="properties">Payload format, message expiry, content type, response topic, correlation data, topic alias, user properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Stops the wait, not the delivery.</param>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken = default) =>
        deliveries.WhenDelivered(Publish(topic, payload.Span, qos, retained, properties)).WaitAsync(cancellationToken);

    /// <summary>Publishes text and completes when the broker has acknowledged it.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default) =>
        deliveries.WhenDelivered(Publish(topic, payload, qos, retained)).WaitAsync(cancellationToken);

    /// <summary>
    /// Waits until the broker has acknowledged a publication of this client, driven by paho's callbacks
    /// (unlike <c>MQTTClient_waitForCompletion</c>, which polls every 100 ms).
    /// </summary>
    /// <param name="token">A token from this client's <c>Publish</c>.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <returns>True once delivered; false if <paramref name="timeout"/> passed first.</returns>
    /// <exception cref="ArgumentException">The token is another client's.</exception>
    /// <exception cref="MqttException">
    /// The broker refused it (MQTT 5, <see cref="MqttException.ReasonCode"/>), or the connection ended
    /// before the acknowledgement (<see cref="MqttReturnCode.Disconnected"/>).
    /// </exception>
    public bool WaitForCompletion(DeliveryToken token, TimeSpan timeout)
    {
        core.ThrowIfDisposed();
        Check.WaitTimeout(timeout, nameof(timeout));
        CheckOwnToken(token, nameof(token));
        return deliveries.Wait(token, timeout);
    }

    /// <summary>Subscribes (<c>MQTTClient_subscribeMany</c>, or <c>MQTTClient_subscribe5</c> for MQTT 5).</summary>
    /// <param name="topicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
    /// <param name="qos">The highest QoS to receive with.</param>
    /// <returns>The QoS the broker granted, which may be lower than <paramref name="qos"/>.</returns>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttReturnCode.BadSubscribe"/> for MQTT 3.1.1, <see cref="MqttException.ReasonCode"/> for MQTT 5), or paho failed.</exception>
    public unsafe MqttSubscribeResult Subscribe(string topicFilter, MqttQos qos = MqttQos.AtMostOnce)
    {
        Check.Qos(qos, nameof(qos));
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], nameof(topicFilter));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            fixed (byte* filterPtr = filter)
            {
                if (Version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_subscribe5(use.Client, filterPtr, (int)qos, null, null);
                    try
                    {
                        ThrowIfNotConnected((int)response.reasonCode, "subscribe");
                        return NativeResults.Subscribed5(topicFilter, qos, response);
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
                return NativeResults.Subscribed(topicFilter, qos, rc, granted);
            }
        }
        finally
        {
            PahoThread.Client.ExitWait();
        }
    }

    /// <summary>Subscribes to one filter with MQTT 5 subscribe options and properties (<c>MQTTClient_subscribeMany5</c>).</summary>
    /// <param name="subscription">The filter, its QoS and its subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <returns>The QoS the broker granted.</returns>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttException.ReasonCode"/>; <see cref="MqttReturnCode.BadSubscribe"/> for MQTT 3.1.1), or paho failed.</exception>
    public MqttSubscribeResult Subscribe(MqttSubscription subscription, MqttProperties? properties = null)
    {
        return ClientCore.Granted(Version, Subscribe([subscription], properties)[0]);
    }

    /// <summary>Subscribes to several filters in one SUBSCRIBE (<c>MQTTClient_subscribeMany</c>, <c>MQTTClient_subscribeMany5</c>).</summary>
    /// <param name="subscriptions">The filters, their QoS and (MQTT 5) their subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <returns>The broker's answer for each filter, in order: granted or refused (<see cref="MqttSubscribeResult.IsGranted"/>).</returns>
    /// <exception cref="MqttException">paho failed (the connection, say): no answer at all.</exception>
    public unsafe IReadOnlyList<MqttSubscribeResult> Subscribe(IEnumerable<MqttSubscription> subscriptions, MqttProperties? properties = null)
    {
        MqttSubscription[] requested = ClientCore.CheckSubscriptions(subscriptions, Version, filterRules: false, nameof(subscriptions));
        bool mqtt5 = Version == MqttVersion.V5;
        CheckProperties(properties, PropertyPacket.Subscribe, nameof(properties));
        using var arena = new NativeArena();
        var topics = arena.AllocateArray<nint>(requested.Length);
        var qos = arena.AllocateArray<int>(requested.Length);
        var options = arena.AllocateArray<MQTTSubscribe_options>(requested.Length);
        Span<byte> stack = stackalloc byte[Utf8z.StackBytes];
        for (int i = 0; i < requested.Length; i++)
        {
            using var filter = Utf8z.TopicFilter(requested[i].TopicFilter, stack, nameof(subscriptions));
            topics[i] = (nint)arena.CopyBytes(filter.Terminated);
            qos[i] = (int)requested[i].Qos;
            options[i] = SubscribeOptionsWriter.Write(requested[i]);
        }
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Subscribe, nameof(properties));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            if (!mqtt5)
            {
                ThrowIfFailed(MQTTClientApi.MQTTClient_subscribeMany(use.Client, requested.Length, (byte**)topics, qos), "subscribe");
                return NativeResults.SubscribedMany(requested, new ReadOnlySpan<int>(qos, requested.Length), null);
            }
            MQTTResponse response = MQTTClientApi.MQTTClient_subscribeMany5(use.Client, requested.Length, (byte**)topics, qos, options, written.Native);
            try
            {
                ThrowIfNotConnected((int)response.reasonCode, "subscribe");
                return NativeResults.SubscribedMany5(requested, response);
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
    /// <param name="topicFilter">The filter as it was subscribed.</param>
    /// <returns>
    /// The MQTT 5 UNSUBACK reason code, a success: <see cref="MqttReasonCode.Success"/>, or
    /// <see cref="MqttReasonCode.NoSubscriptionExisted"/>. Always <see cref="MqttReasonCode.Success"/> for MQTT 3.1.1.
    /// </returns>
    /// <exception cref="MqttException">The broker refused (MQTT 5, <see cref="MqttException.ReasonCode"/>), or paho failed.</exception>
    public MqttReasonCode Unsubscribe(string topicFilter) => Unsubscribe(topicFilter, null);

    /// <summary>Unsubscribes with MQTT 5 properties (<c>MQTTClient_unsubscribe5</c>).</summary>
    /// <inheritdoc cref="Unsubscribe(string)"/>
    /// <param name="topicFilter">The filter as it was subscribed.</param>
    /// <param name="properties">User properties; MQTT 5 only.</param>
    public unsafe MqttReasonCode Unsubscribe(string topicFilter, MqttProperties? properties)
    {
        CheckProperties(properties, PropertyPacket.Unsubscribe, nameof(properties));
        using var written = new PropertiesWriter(properties, PropertiesLibrary.Client, PropertyPacket.Unsubscribe, nameof(properties));
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], nameof(topicFilter));
        using var use = Use();
        PahoThread.Client.EnterWait();
        try
        {
            fixed (byte* filterPtr = filter)
            {
                if (Version == MqttVersion.V5)
                {
                    MQTTResponse response = MQTTClientApi.MQTTClient_unsubscribe5(use.Client, filterPtr, written.Native);
                    try
                    {
                        ThrowIfNotConnected((int)response.reasonCode, "unsubscribe");
                        return NativeResults.Unsubscribed5(response);
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

    /// <summary>
    /// Adds a handler for the received messages whose topic matches <paramref name="topicFilter"/> (MQTT's
    /// wildcard rules: <see cref="MqttTopicFilter"/>). It does not subscribe: subscribe to a filter that
    /// covers it too. The client's dispatcher awaits the handler before it goes on to the next message,
    /// so a handler that is slow holds the next messages back in the bounded receive buffer
    /// (<see cref="MqttClientOptions.ReceiveBufferCapacity"/>), which then applies its
    /// <see cref="ReceiveBufferFullMode"/>: with <see cref="ReceiveBufferFullMode.Wait"/>, the broker is
    /// held back, nothing is lost. Handlers run after <see cref="MessageReceived"/>, in the order added,
    /// one at a time; one that throws is logged, and the others still get the message.
    /// </summary>
    /// <param name="topicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels; <c>$share/GROUP/</c> is looked through.</param>
    /// <param name="handler">Gets each matching message, and a token that fires when the client is disposed.</param>
    /// <returns>Disposing it removes the handler.</returns>
    /// <exception cref="ArgumentException">The filter is not valid.</exception>
    public IDisposable AddMessageHandler(string topicFilter, Func<MqttMessage, CancellationToken, ValueTask> handler)
    {
        return core.AddMessageHandler(topicFilter, handler);
    }

    /// <summary>
    /// The messages received from this call on, until the client is disposed or
    /// <paramref name="cancellationToken"/> fires. The stream buffers from the call, not from the
    /// first read, so nothing that arrives in between is missed; it holds at most the receive buffer's
    /// capacity, and a full stream applies the client's <see cref="ReceiveBufferFullMode"/>. Enumerate
    /// it to the end or cancel it.
    /// </summary>
    public IAsyncEnumerable<MqttMessage> ReadMessagesAsync(CancellationToken cancellationToken = default)
    {
        return core.ReadMessages(cancellationToken);
    }

    /// <summary>
    /// Sends DISCONNECT and closes the connection (<c>MQTTClient_disconnect</c>): the broker discards the
    /// will. paho may spend up to 5 s completing messages in flight first.
    /// </summary>
    /// <exception cref="MqttException">paho refused: <see cref="MqttReturnCode.Disconnected"/> when there was no connection.</exception>
    public void Disconnect() => Disconnect(DefaultDisconnectTimeout);

    /// <summary>Sends DISCONNECT and closes the connection (<c>MQTTClient_disconnect</c>): the broker discards the will.</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    public void Disconnect(TimeSpan timeout) => DisconnectCore(timeout, MQTTReasonCodes.MQTTREASONCODE_NORMAL_DISCONNECTION, null);

    /// <summary>MQTT 5: sends DISCONNECT with a reason code and properties (<c>MQTTClient_disconnect5</c>).</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    /// <param name="reasonCode">The reason: <see cref="MqttReasonCode.Success"/> (normal), <see cref="MqttReasonCode.DisconnectWithWillMessage"/>, or an error code of 0x80 or more.</param>
    /// <param name="properties">Session expiry interval, reason string, user properties.</param>
    public void Disconnect(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties = null)
    {
        if (Version != MqttVersion.V5)
            throw new InvalidOperationException("A DISCONNECT reason code exists only in MQTT 5; create the client with MqttVersion.V5.");
        CheckProperties(properties, PropertyPacket.Disconnect, nameof(properties));
        DisconnectCore(timeout, (MQTTReasonCodes)reasonCode, properties);
    }

    /// <summary>
    /// MQTT 5 only: sends DISCONNECT with reason code 0x04, "disconnect with will message", so the
    /// broker publishes the will although the client ended cleanly.
    /// </summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    public void DisconnectWithWill(TimeSpan timeout)
    {
        if (Version != MqttVersion.V5)
            throw new InvalidOperationException("Reason code 0x04 (disconnect with will message) exists only in MQTT 5; create the client with MqttVersion.V5.");
        DisconnectCore(timeout, MQTTReasonCodes.MQTTREASONCODE_DISCONNECT_WITH_WILL_MESSAGE, null);
    }

    /// <summary>
    /// Ends the network connection at once without DISCONNECT, as a crash would: the broker sees the
    /// connection close and publishes the will. It shuts down exactly this client's socket, which
    /// PahoSharp learns from paho when paho opens it, and returns once paho has seen the connection end
    /// (<see cref="ConnectionLost"/> follows).
    /// </summary>
    /// <returns>False if there was no connection to abort, or paho's socket for it is not known.</returns>
    public bool AbortConnection()
    {
        lock (connectionGate)
        {
            using var use = Use();
            if (MQTTClientApi.MQTTClient_isConnected(use.Client) == 0)
                return false;
            return AbortAndWaitForLoss();
        }
    }

    /// <summary>
    /// Destroys the client (<c>MQTTClient_destroy</c>). Like the seed's destroy without disconnect, a
    /// connected client sends no DISCONNECT, so the broker publishes its will; unlike paho alone, the
    /// socket is closed now rather than at process exit (see <see cref="AbortConnection"/>). Once it
    /// returns, no handler of this client runs any more (unless it is called from a handler, which
    /// then is the last).
    /// </summary>
    public void Dispose()
    {
        if (!core.MarkDisposed())
            return;
        // First: no handler runs after this, and paho's thread is no longer held by a full buffer.
        core.Dispatcher.Close();
        lock (connectionGate)
        {
            bool added = false;
            handle.DangerousAddRef(ref added);
            try
            {
                // paho's destroy would leave the socket open and in paho's poll set: end it, and let
                // paho close its descriptor, first.
                if (MQTTClientApi.MQTTClient_isConnected(handle.DangerousGetHandle()) != 0 && !AbortAndWaitForLoss())
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
        lock (socketGate)
        {
            socket?.Dispose();
            socket = null;
        }
        lock (connectionGate)
        {
            connectMemory?.Dispose();
            connectMemory = null;
        }
        core.Readers.CompleteAll();
        telemetry.Dispose();
    }

    unsafe void IClientCallbacks.OnMessageArrived(ReadOnlySpan<byte> topic, MQTTClient_message* message) =>
        core.OnMessageArrived(topic, message->payload, message->payloadlen, message->qos, message->retained, message->dup, &message->properties);

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
        lock (socketGate)
        {
            socket?.Dispose();
            socket = null;
            losses++;
            Monitor.PulseAll(socketGate);
        }
        core.Dispatcher.PostEvent(lost);
    }

    private static MqttClientOptions CreationOptions(string serverUri, string clientId, ClientPersistence persistence, MqttVersion version) =>
        new() { ServerUri = serverUri, ClientId = clientId, Persistence = persistence, Version = version };

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
        NativeResults.ThrowIfFailed(rc, "create");
        return client;
    }

    private static unsafe MqttConnectResult ConnectResult(MQTTClient_connectOptions* native, MqttVersion requested, IReadOnlyList<ParsedServerUri> uris, IReadOnlyList<string> pahoUris)
    {
        string connected = native->returned.serverURI is null ? pahoUris[0] : Marshal.PtrToStringUTF8((nint)native->returned.serverURI)!;
        string uri = ReportedUri.Of(connected, uris, pahoUris);
        MqttVersion version = native->returned.MQTTVersion is var v && Enum.IsDefined((MqttVersion)v) && v != 0 ? (MqttVersion)v : requested;
        return new MqttConnectResult(uri, version, native->returned.sessionPresent != 0);
    }

    private static ParsedServerUri ServerUriFor(string text, IReadOnlyList<ParsedServerUri> uris) =>
        uris.FirstOrDefault(u => u.Text == text) ?? uris[0];

    /// <summary>Keeps paho's socket for this connection, unless the connection already ended or the socket is not the one expected.</summary>
    private void AdoptSocket(ConnectionSocket? captured, long lossesBefore, int expectedPeerPort)
    {
        if (captured is not null && captured.PeerPort != expectedPeerPort)
        {
            // Not the connection paho reported: better no socket (AbortConnection refuses) than another one.
            captured.Dispose();
            captured = null;
        }
        lock (socketGate)
        {
            socket?.Dispose();
            socket = null;
            if (losses != lossesBefore)
                captured?.Dispose();
            else
                socket = captured;
        }
    }

    /// <summary>Shuts this connection's socket down and waits until paho has seen it end; false if the socket is not known.</summary>
    private bool AbortAndWaitForLoss()
    {
        lock (socketGate)
        {
            long before = losses;
            if (socket is not { } connection || !connection.Abort())
                return false;
            long deadline = Environment.TickCount64 + (long)LossTimeout.TotalMilliseconds;
            while (losses == before)
            {
                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                    break;
                Monitor.Wait(socketGate, (int)remaining);
            }
            return true;
        }
    }

    private unsafe DeliveryToken PublishEncoded(Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter? properties, PublishMeasure measure)
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
            fixed (byte* topicPtr = topic)
            fixed (byte* payloadPtr = payload)
            {
                // An empty span pins as NULL; paho wants a pointer even for zero bytes.
                void* data = payloadPtr is null ? &empty : payloadPtr;
                if (Version == MqttVersion.V5)
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
        NativeResults.ThrowIfPublishFailed(rc);
        return deliveries.Track(reserved, token, qos, payload.Length, measure);
    }

    private unsafe void DisconnectCore(TimeSpan timeout, MQTTReasonCodes reason, MqttProperties? properties)
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
                rc = Version == MqttVersion.V5
                    ? MQTTClientApi.MQTTClient_disconnect5(use.Client, (int)timeout.TotalMilliseconds, reason, written.Native)
                    : MQTTClientApi.MQTTClient_disconnect(use.Client, (int)timeout.TotalMilliseconds);
            }
            finally
            {
                PahoThread.Client.ExitWait();
            }
            // paho has closed its descriptor: ours must go too, or the connection would linger.
            lock (socketGate)
            {
                socket?.Dispose();
                socket = null;
            }
            deliveries.ConnectionEnded();
            NativeResults.ThrowIfFailed(rc, "disconnect");
            telemetry.Disconnected();
        }
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
        NativeResults.ThrowIfFailed(rc, operation);
    }

    private void ThrowIfNotConnected(int rc, string operation)
    {
        if (rc != MQTTClientConstants.MQTTCLIENT_DISCONNECTED)
            return;
        throw MqttException.NotConnected(operation, async: false, everConnected
            ? "the client is not connected: its connection ended (ConnectionLost tells when and why); call Connect again"
            : "the client is not connected yet: call Connect first");
    }

    private void CheckProperties(MqttProperties? properties, PropertyPacket packet, string paramName) =>
        ClientCore.CheckProperties(Version, properties, packet, paramName);

    private void CheckOwnToken(DeliveryToken token, string paramName)
    {
        if (token.Ledger is { } ledger && ledger.Owner != deliveries)
            throw new ArgumentException("The token is another client's: wait for it through the client that published it.", paramName);
    }

    private NativeUse Use() => core.Lease(handle);
}

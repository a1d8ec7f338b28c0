using System.Buffers;
using System.Runtime.CompilerServices;
using PahoSharp.Interop;
using PahoSharp.Interop.Engine;
using PahoSharp.Interop.Operations;
using PahoSharp.Interop.Properties;

[module: SkipLocalsInit]

namespace PahoSharp;

/// <summary>
/// An MQTT client over paho.mqtt.c's synchronous <c>MQTTClient</c> API. Thread-safe: any thread may
/// publish, subscribe or disconnect, including the handlers of <see cref="MqttClientBase.MessageReceived"/> and
/// <see cref="MqttClientBase.ConnectionLost"/>, which run on a dispatcher of this client's, never on paho's thread.
/// Dispose it: an undisposed client stays registered for paho's callbacks and is never collected.
/// </summary>
public sealed class MqttClient : MqttClientBase
{
    /// <summary>How long <see cref="Disconnect()"/> lets paho complete messages in flight.</summary>
    private static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly ClientEngine engine;

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
        : base(options)
    {
        ParsedServerUri serverUri = ClientCore.CheckOptions(options, uriName, idName, persistenceName, versionName);
        if (options.OfflineBuffer is not null)
            throw new ArgumentException("paho's synchronous MQTTClient has no offline buffer; use MqttAsyncClient.", nameof(options));

        engine = new ClientEngine(this, options, serverUri, uriName, idName, persistenceName);
    }

    /// <inheritdoc/>
    public override bool IsConnected => engine.IsConnected;

    /// <summary>The version of the paho.mqtt.c library loaded, as it reports itself (<c>MQTTClient_getVersionInfo</c>).</summary>
    public static string PahoVersion => PahoVersionInfo.TryGetValue("Version", out string? version) ? version : "";

    /// <summary>Everything <c>MQTTClient_getVersionInfo</c> reports about the loaded paho.</summary>
    public static IReadOnlyDictionary<string, string> PahoVersionInfo => ClientEngine.ReadVersionInfo();

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
        return engine.Connect(options);
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
        return engine.Publish(topic, payload, qos, retained, properties);
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
        engine.WhenDelivered(Publish(topic, payload.Span, qos, retained)).WaitAsync(cancellationToken);

    /// <summary>Publishes with MQTT 5 publication properties and completes when the broker has acknowledged it.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes.</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="properties">Payload format, message expiry, content type, response topic, correlation data, topic alias, user properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Stops the wait, not the delivery.</param>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken = default) =>
        engine.WhenDelivered(Publish(topic, payload.Span, qos, retained, properties)).WaitAsync(cancellationToken);

    /// <summary>Publishes text and completes when the broker has acknowledged it.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default) =>
        engine.WhenDelivered(Publish(topic, payload, qos, retained)).WaitAsync(cancellationToken);

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
        engine.Core.ThrowIfDisposed();
        Check.WaitTimeout(timeout, nameof(timeout));
        return engine.WaitForCompletion(token, timeout);
    }

    /// <summary>Subscribes (<c>MQTTClient_subscribeMany</c>, or <c>MQTTClient_subscribe5</c> for MQTT 5).</summary>
    /// <param name="topicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
    /// <param name="qos">The highest QoS to receive with.</param>
    /// <returns>The QoS the broker granted, which may be lower than <paramref name="qos"/>.</returns>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttReturnCode.BadSubscribe"/> for MQTT 3.1.1, <see cref="MqttException.ReasonCode"/> for MQTT 5), or paho failed.</exception>
    public MqttSubscribeResult Subscribe(string topicFilter, MqttQos qos = MqttQos.AtMostOnce)
    {
        Check.Qos(qos, nameof(qos));
        return engine.Subscribe(topicFilter, qos);
    }

    /// <summary>Subscribes to one filter with MQTT 5 subscribe options and properties (<c>MQTTClient_subscribeMany5</c>).</summary>
    /// <param name="subscription">The filter, its QoS and its subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <returns>The QoS the broker granted.</returns>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttException.ReasonCode"/>; <see cref="MqttReturnCode.BadSubscribe"/> for MQTT 3.1.1), or paho failed.</exception>
    public MqttSubscribeResult Subscribe(MqttSubscription subscription, MqttProperties? properties = null)
    {
        return Outcomes.Granted(Version, Subscribe([subscription], properties)[0]);
    }

    /// <summary>Subscribes to several filters in one SUBSCRIBE (<c>MQTTClient_subscribeMany</c>, <c>MQTTClient_subscribeMany5</c>).</summary>
    /// <param name="subscriptions">The filters, their QoS and (MQTT 5) their subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <returns>The broker's answer for each filter, in order: granted or refused (<see cref="MqttSubscribeResult.IsGranted"/>).</returns>
    /// <exception cref="MqttException">paho failed (the connection, say): no answer at all.</exception>
    public IReadOnlyList<MqttSubscribeResult> Subscribe(IEnumerable<MqttSubscription> subscriptions, MqttProperties? properties = null)
    {
        MqttSubscription[] requested = ClientCore.CheckSubscriptions(subscriptions, Version, filterRules: false, nameof(subscriptions));
        CheckProperties(properties, PropertyPacket.Subscribe, nameof(properties));
        return engine.Subscribe(requested, properties);
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
    public MqttReasonCode Unsubscribe(string topicFilter, MqttProperties? properties)
    {
        CheckProperties(properties, PropertyPacket.Unsubscribe, nameof(properties));
        return engine.Unsubscribe(topicFilter, properties);
    }

    /// <summary>
    /// Sends DISCONNECT and closes the connection (<c>MQTTClient_disconnect</c>): the broker discards the
    /// will. paho may spend up to 5 s completing messages in flight first.
    /// </summary>
    /// <exception cref="MqttException">paho refused: <see cref="MqttReturnCode.Disconnected"/> when there was no connection.</exception>
    public void Disconnect() => Disconnect(DefaultDisconnectTimeout);

    /// <summary>Sends DISCONNECT and closes the connection (<c>MQTTClient_disconnect</c>): the broker discards the will.</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    public void Disconnect(TimeSpan timeout) => engine.Disconnect(timeout, MqttReasonCode.Success, null);

    /// <summary>MQTT 5: sends DISCONNECT with a reason code and properties (<c>MQTTClient_disconnect5</c>).</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    /// <param name="reasonCode">The reason: <see cref="MqttReasonCode.Success"/> (normal), <see cref="MqttReasonCode.DisconnectWithWillMessage"/>, or an error code of 0x80 or more.</param>
    /// <param name="properties">Session expiry interval, reason string, user properties.</param>
    public void Disconnect(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties = null)
    {
        if (Version != MqttVersion.V5)
            throw new InvalidOperationException("A DISCONNECT reason code exists only in MQTT 5; create the client with MqttVersion.V5.");
        CheckProperties(properties, PropertyPacket.Disconnect, nameof(properties));
        engine.Disconnect(timeout, reasonCode, properties);
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
        engine.Disconnect(timeout, MqttReasonCode.DisconnectWithWillMessage, null);
    }

    /// <summary>
    /// Ends the network connection at once without DISCONNECT, as a crash would: the broker sees the
    /// connection close and publishes the will. It shuts down exactly this client's socket, which
    /// PahoSharp learns from paho when paho opens it, and returns once paho has seen the connection end
    /// (<see cref="MqttClientBase.ConnectionLost"/> follows).
    /// </summary>
    /// <returns>False if there was no connection to abort, or paho's socket for it is not known.</returns>
    public bool AbortConnection() => engine.AbortConnection();

    /// <summary>
    /// Destroys the client (<c>MQTTClient_destroy</c>). Like the seed's destroy without disconnect, a
    /// connected client sends no DISCONNECT, so the broker publishes its will; unlike paho alone, the
    /// socket is closed now rather than at process exit (see <see cref="AbortConnection"/>). Once it
    /// returns, no handler of this client runs any more (unless it is called from a handler, which
    /// then is the last).
    /// </summary>
    public override void Dispose() => engine.Dispose();

    private protected override ClientCore Core => engine.Core;

    private static MqttClientOptions CreationOptions(string serverUri, string clientId, ClientPersistence persistence, MqttVersion version) =>
        new() { ServerUri = serverUri, ClientId = clientId, Persistence = persistence, Version = version };

    private void CheckProperties(MqttProperties? properties, PropertyPacket packet, string paramName) =>
        ClientCore.CheckProperties(Version, properties, packet, paramName);
}

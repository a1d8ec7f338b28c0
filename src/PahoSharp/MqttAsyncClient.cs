using System.Buffers;
using PahoSharp.Interop;
using PahoSharp.Interop.Async;
using PahoSharp.Interop.Operations;
using PahoSharp.Interop.Properties;

namespace PahoSharp;

/// <summary>
/// An MQTT client over paho.mqtt.c's <c>MQTTAsync</c> engine: every operation is a task that paho's
/// own completion (<c>onSuccess</c>/<c>onFailure</c>) ends; paho reconnects by itself
/// (<see cref="ConnectOptions.Reconnect"/>), buffers while disconnected
/// (<see cref="MqttClientOptions.OfflineBuffer"/>), and restores persisted messages; the client
/// subscribes again after a reconnect. Thread-safe. Handlers run on a dispatcher of the client's, never
/// on paho's threads.
/// </summary>
/// <remarks>
/// A <see cref="CancellationToken"/> ends the caller's wait, not the operation: paho has no way to
/// take a command back once given. <see cref="Dispose"/> of a connected client sends DISCONNECT
/// (paho's <c>MQTTAsync_destroy</c> does), so the broker discards the will.
/// </remarks>
public sealed class MqttAsyncClient : MqttClientBase, IAsyncDisposable
{
    /// <summary>How long <see cref="DisconnectAsync(CancellationToken)"/> lets paho complete messages in flight.</summary>
    private static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly AsyncEngine engine;

    /// <summary>Creates a client without persistence speaking MQTT 3.1.1.</summary>
    /// <param name="serverUri">The broker, for instance <c>tcp://127.0.0.1:1883</c>.</param>
    /// <param name="clientId">The client identifier the broker knows this client by.</param>
    public MqttAsyncClient(string serverUri, string clientId)
        : this(new MqttClientOptions { ServerUri = serverUri, ClientId = clientId }, nameof(serverUri), nameof(clientId))
    {
    }

    /// <summary>Creates a client (<c>MQTTAsync_createWithOptions</c>).</summary>
    /// <param name="options">The server, client identifier, persistence, MQTT version, offline buffer and receive buffer.</param>
    public MqttAsyncClient(MqttClientOptions options)
        : this(options ?? throw new ArgumentNullException(nameof(options)), nameof(options), nameof(options))
    {
    }

    private MqttAsyncClient(MqttClientOptions options, string uriName, string idName)
        : base(options)
    {
        ParsedServerUri serverUri = ClientCore.CheckOptions(options, uriName, idName, nameof(options), nameof(options));
        engine = new AsyncEngine(this, options, serverUri, idName);
    }

    /// <summary><see cref="ConnectAsync(ConnectOptions, CancellationToken)"/> connected. Raised on the client's dispatcher.</summary>
    public event EventHandler<MqttConnectedEventArgs>? Connected
    {
        add => Core.Connected += value;
        remove => Core.Connected -= value;
    }

    /// <summary>paho reconnected by itself, and the client subscribed again to what it had. Raised on the client's dispatcher.</summary>
    public event EventHandler<MqttReconnectedEventArgs>? Reconnected
    {
        add => Core.Reconnected += value;
        remove => Core.Reconnected -= value;
    }

    /// <inheritdoc/>
    public override bool IsConnected => engine.IsConnected;

    /// <summary>The subscriptions the client holds and restores after a reconnect: filter and QoS asked for.</summary>
    public IReadOnlyList<MqttSubscription> Subscriptions => engine.Subscriptions;

    /// <summary>
    /// Connects with the default <see cref="ConnectOptions"/> (clean session, keep-alive 60 s, connect
    /// timeout 30 s, no automatic reconnect) to the client's own URI.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait, not the connect (see <see cref="ConnectAsync(ConnectOptions, CancellationToken)"/>).</param>
    /// <returns>The server connected to, the MQTT version spoken, and whether the broker resumed a session.</returns>
    /// <exception cref="MqttException">paho or the broker refused: the message says why, with the URI; the codes say which.</exception>
    public Task<MqttConnectResult> ConnectAsync(CancellationToken cancellationToken = default) =>
        ConnectAsync(new ConnectOptions(), cancellationToken);

    /// <summary>
    /// Connects (<c>MQTTAsync_connect</c>), speaking the client's <see cref="Version"/>, and completes with paho's <c>onSuccess</c>. With
    /// <see cref="ConnectOptions.Reconnect"/>, a failed first connect fails the task and paho goes on
    /// trying by itself (<see cref="Reconnected"/> follows), until <see cref="DisconnectAsync(TimeSpan, CancellationToken)"/> or disposal.
    /// </summary>
    /// <param name="options">How to connect.</param>
    /// <param name="cancellationToken">Ends the wait, not the connect: paho goes on until it connects or gives up, and the next <see cref="ConnectAsync(ConnectOptions, CancellationToken)"/> waits for that first (paho's connect timeout bounds it), so that it gets its own outcome.</param>
    /// <returns>The server connected to, the MQTT version spoken, and whether the broker resumed a session.</returns>
    /// <exception cref="ArgumentException">The options do not fit this client (a TLS URI without <see cref="ConnectOptions.Tls"/>, say).</exception>
    /// <exception cref="MqttException">
    /// paho or the broker refused: the message says why with the URI (refused, no such host, timed out
    /// after the connect timeout, or that paho gave no cause); the codes say which.
    /// </exception>
    public Task<MqttConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken = default) =>
        engine.ConnectAsync(options, cancellationToken);

    /// <summary>
    /// Publishes (<c>MQTTAsync_sendMessage</c>) and completes when paho has the broker's PUBACK (QoS 1) or
    /// PUBCOMP (QoS 2), or has written a QoS 0 message. While disconnected it is refused
    /// (<see cref="MqttAsyncReturnCode.Disconnected"/>) unless <see cref="MqttClientOptions.OfflineBuffer"/> is set.
    /// The publication goes to paho as it is called, in call order, and waits in paho's queue (and its
    /// store) for a place in the in-flight window; the client holds back only a QoS 2 publication (and QoS 1
    /// ones after it) until a place is free, and, with <see cref="OfflineBufferOptions.DeleteOldest"/>,
    /// publications beyond <see cref="OfflineBufferOptions.MaxMessages"/> while connected.
    /// </summary>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes (paho copies it).</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="cancellationToken">Ends the wait, not the publication.</param>
    /// <returns>
    /// The result, as a ValueTask that allocates nothing when awaited: await it once (keep
    /// <see cref="ValueTask{TResult}.AsTask"/> to await it again or to use <see cref="Task.WhenAll(Task[])"/>).
    /// </returns>
    /// <exception cref="MqttException">
    /// The publication did not complete; <see cref="MqttException.ErrorCode"/> says why:
    /// <see cref="MqttErrorCode.NotConnected"/>, <see cref="MqttErrorCode.BufferFull"/> or
    /// <see cref="MqttErrorCode.InflightWindowFull"/> when paho refused the call;
    /// <see cref="MqttErrorCode.RefusedByBroker"/> (MQTT 5, <see cref="MqttException.ReasonCode"/>);
    /// <see cref="MqttErrorCode.ConnectionLost"/> when the connection broke as paho wrote a QoS 0 message;
    /// <see cref="MqttErrorCode.SessionEnded"/> when its session was discarded before the acknowledgement;
    /// <see cref="MqttErrorCode.DroppedFromBuffer"/> when paho dropped it from a full offline buffer
    /// (<see cref="OfflineBufferOptions.DeleteOldest"/>); <see cref="MqttErrorCode.Qos2AnsweredWithPuback"/>;
    /// <see cref="MqttErrorCode.PersistenceFailed"/>. paho's own code stays in <see cref="MqttException.AsyncReturnCode"/>.
    /// </exception>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default) =>
        PublishAsync(topic, payload, qos, retained, null, cancellationToken);

    /// <summary>Publishes with MQTT 5 publication properties.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    /// <param name="topic">The topic name: not empty, no wildcard, at most 65,535 UTF-8 bytes.</param>
    /// <param name="payload">The payload, at most 268,435,455 bytes (paho copies it).</param>
    /// <param name="qos">The quality of service.</param>
    /// <param name="retained">Whether the broker keeps it for future subscribers.</param>
    /// <param name="properties">Payload format, message expiry, content type, response topic, correlation data, topic alias, user properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Ends the wait, not the publication.</param>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken = default) =>
        engine.PublishAsync(topic, payload, qos, retained, properties, cancellationToken);

    /// <summary>Publishes text as its UTF-8 bytes.</summary>
    /// <inheritdoc cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, string payload, MqttQos qos = MqttQos.AtMostOnce, bool retained = false, CancellationToken cancellationToken = default)
    {
        byte[] buffer = Utf8Payload.Rent(payload, nameof(payload), out int written);
        try
        {
            return PublishAsync(topic, buffer.AsMemory(0, written), qos, retained, cancellationToken);
        }
        finally
        {
            // paho copied the payload in MQTTAsync_sendMessage.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Subscribes to one filter (<c>MQTTAsync_subscribe</c>), and restores it after reconnects. Made while
    /// the client is connecting (<see cref="ConnectAsync(ConnectOptions, CancellationToken)"/> under way, or
    /// paho's automatic reconnect retrying), it waits for the connection first; without a connect under
    /// way it fails at once with <see cref="MqttAsyncReturnCode.Disconnected"/>. The same holds for the other overloads.
    /// </summary>
    /// <param name="topicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
    /// <param name="qos">The highest QoS to receive with.</param>
    /// <param name="cancellationToken">Ends the wait, not the subscription.</param>
    /// <returns>The QoS the broker granted, which may be lower than <paramref name="qos"/>.</returns>
    /// <exception cref="MqttException">The broker refused (<see cref="MqttReturnCode.BadSubscribe"/> for MQTT 3.1.1, <see cref="MqttException.ReasonCode"/> for MQTT 5), or paho failed.</exception>
    public async Task<MqttSubscribeResult> SubscribeAsync(string topicFilter, MqttQos qos = MqttQos.AtMostOnce, CancellationToken cancellationToken = default)
    {
        Check.Qos(qos, nameof(qos));
        CheckFilter(topicFilter, nameof(topicFilter));
        IReadOnlyList<MqttSubscribeResult> results = await engine.SubscribeAsync([new MqttSubscription(topicFilter, qos)], null, cancellationToken).ConfigureAwait(false);
        return Granted(results[0]);
    }

    /// <summary>Subscribes to one filter with MQTT 5 subscribe options and properties, and restores it after reconnects.</summary>
    /// <param name="subscription">The filter, its QoS and its subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Ends the wait, not the subscription.</param>
    /// <returns>The QoS the broker granted.</returns>
    /// <exception cref="MqttException">The broker refused, or paho failed.</exception>
    public async Task<MqttSubscribeResult> SubscribeAsync(MqttSubscription subscription, MqttProperties? properties = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<MqttSubscribeResult> results = await SubscribeAsync([subscription], properties, cancellationToken).ConfigureAwait(false);
        return Granted(results[0]);
    }

    private MqttSubscribeResult Granted(MqttSubscribeResult result) => Outcomes.Granted(Version, result);

    /// <summary>Subscribes to several filters in one SUBSCRIBE (<c>MQTTAsync_subscribeMany</c>), and restores the granted ones after reconnects.</summary>
    /// <param name="subscriptions">The filters and their QoS.</param>
    /// <param name="cancellationToken">Ends the wait, not the subscription.</param>
    /// <returns>The broker's answer for each filter, in order: granted (with a QoS) or refused (<see cref="MqttSubscribeResult.IsGranted"/>).</returns>
    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IEnumerable<MqttSubscription> subscriptions, CancellationToken cancellationToken = default) =>
        SubscribeAsync(subscriptions, null, cancellationToken);

    /// <summary>Subscribes to several filters in one SUBSCRIBE with MQTT 5 properties, and restores the granted ones after reconnects.</summary>
    /// <inheritdoc cref="SubscribeAsync(IEnumerable{MqttSubscription}, CancellationToken)"/>
    /// <param name="subscriptions">The filters, their QoS and their subscribe options.</param>
    /// <param name="properties">A subscription identifier and user properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Ends the wait, not the subscription.</param>
    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IEnumerable<MqttSubscription> subscriptions, MqttProperties? properties, CancellationToken cancellationToken = default)
    {
        MqttSubscription[] requested = ClientCore.CheckSubscriptions(subscriptions, Version, filterRules: true, nameof(subscriptions));
        CheckProperties(properties, PropertyPacket.Subscribe, nameof(properties));
        return engine.SubscribeAsync(requested, properties, cancellationToken);
    }

    /// <summary>Unsubscribes from one filter (<c>MQTTAsync_unsubscribe</c>).</summary>
    /// <param name="topicFilter">The filter as it was subscribed.</param>
    /// <param name="cancellationToken">Ends the wait, not the unsubscription.</param>
    /// <returns>The MQTT 5 UNSUBACK reason code, a success (<see cref="MqttReasonCode.NoSubscriptionExisted"/> included); <see cref="MqttReasonCode.Success"/> for MQTT 3.1.1.</returns>
    public Task<MqttReasonCode> UnsubscribeAsync(string topicFilter, CancellationToken cancellationToken = default) =>
        UnsubscribeAsync(topicFilter, null, cancellationToken);

    /// <summary>Unsubscribes from one filter with MQTT 5 properties.</summary>
    /// <inheritdoc cref="UnsubscribeAsync(string, CancellationToken)"/>
    /// <param name="topicFilter">The filter as it was subscribed.</param>
    /// <param name="properties">User properties; MQTT 5 only.</param>
    /// <param name="cancellationToken">Ends the wait, not the unsubscription.</param>
    public async Task<MqttReasonCode> UnsubscribeAsync(string topicFilter, MqttProperties? properties, CancellationToken cancellationToken = default)
    {
        CheckFilter(topicFilter, nameof(topicFilter));
        CheckProperties(properties, PropertyPacket.Unsubscribe, nameof(properties));
        UnsubscribeAnswer answer = await engine.UnsubscribeAsync([topicFilter], properties, cancellationToken).ConfigureAwait(false);
        return Outcomes.Unsubscribed(answer.Codes[0], answer.ReasonString);
    }

    /// <summary>Unsubscribes from several filters in one UNSUBSCRIBE (<c>MQTTAsync_unsubscribeMany</c>).</summary>
    /// <param name="topicFilters">The filters as they were subscribed.</param>
    /// <param name="cancellationToken">Ends the wait, not the unsubscription.</param>
    /// <returns>The UNSUBACK reason code of each filter (MQTT 5; 0x80 and above are refusals); <see cref="MqttReasonCode.Success"/> for each under MQTT 3.1.1.</returns>
    public Task<IReadOnlyList<MqttReasonCode>> UnsubscribeAsync(IEnumerable<string> topicFilters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilters);
        string[] filters = [.. topicFilters];
        if (filters.Length == 0)
            throw new ArgumentException("Unsubscribe from at least one filter.", nameof(topicFilters));
        foreach (string filter in filters)
            CheckFilter(filter, nameof(topicFilters));
        return UnsubscribeCodesAsync(filters, cancellationToken);
    }

    private async Task<IReadOnlyList<MqttReasonCode>> UnsubscribeCodesAsync(string[] filters, CancellationToken cancellationToken)
    {
        UnsubscribeAnswer answer = await engine.UnsubscribeAsync(filters, null, cancellationToken).ConfigureAwait(false);
        return answer.Codes;
    }

    /// <summary>
    /// Sends DISCONNECT and closes the connection (<c>MQTTAsync_disconnect</c>): the broker discards the
    /// will, and paho stops reconnecting. paho may spend up to 5 s completing messages in flight first.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait, not the disconnect.</param>
    /// <exception cref="MqttException">paho refused: <see cref="MqttAsyncReturnCode.Disconnected"/> when there was no connection.</exception>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        engine.DisconnectAsync(DefaultDisconnectTimeout, MqttReasonCode.Success, null, cancellationToken);

    /// <summary>
    /// Sends DISCONNECT and closes the connection (<c>MQTTAsync_disconnect</c>): the broker discards the
    /// will, and paho stops reconnecting.
    /// </summary>
    /// <remarks>
    /// Without a connection it fails with <see cref="MqttAsyncReturnCode.Disconnected"/>. After a first
    /// connect that failed, paho 1.3.12 to 1.3.15 then goes on with the retries of <see cref="ConnectOptions.Reconnect"/>
    /// all the same: a retry that connects is disconnected again at once, without <see cref="Reconnected"/>
    /// and without subscribing again (logged as <c>ReconnectAfterDisconnectEnded</c>). Only disposal
    /// ends those retries before they reach the broker.
    /// </remarks>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    /// <param name="cancellationToken">Ends the wait, not the disconnect.</param>
    /// <exception cref="MqttException">paho refused: <see cref="MqttAsyncReturnCode.Disconnected"/> when there was no connection.</exception>
    public Task DisconnectAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        engine.DisconnectAsync(timeout, MqttReasonCode.Success, null, cancellationToken);

    /// <summary>MQTT 5: sends DISCONNECT with a reason code and properties; paho stops reconnecting.</summary>
    /// <param name="timeout">How long paho may spend completing messages in flight first.</param>
    /// <param name="reasonCode">The reason: <see cref="MqttReasonCode.Success"/> (normal), <see cref="MqttReasonCode.DisconnectWithWillMessage"/> (the broker publishes the will), or an error code of 0x80 or more.</param>
    /// <param name="properties">Session expiry interval, reason string, user properties.</param>
    /// <param name="cancellationToken">Ends the wait, not the disconnect.</param>
    public Task DisconnectAsync(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties = null, CancellationToken cancellationToken = default)
    {
        if (Version != MqttVersion.V5)
            throw new InvalidOperationException("A DISCONNECT reason code exists only in MQTT 5; create the client with MqttVersion.V5.");
        CheckProperties(properties, PropertyPacket.Disconnect, nameof(properties));
        return engine.DisconnectAsync(timeout, reasonCode, properties, cancellationToken);
    }

    /// <summary>
    /// Destroys the client (<c>MQTTAsync_destroy</c>, which sends DISCONNECT if connected). Operations still
    /// under way fail: with <see cref="MqttAsyncReturnCode.OperationIncomplete"/> when paho discards them
    /// as it destroys the client (a publication awaiting its PUBACK, say), else with
    /// <see cref="ObjectDisposedException"/>. Disconnect first to let them finish. Once it returns, no handler runs any more
    /// (unless it is called from a handler, which then is the last).
    /// </summary>
    public override void Dispose() => engine.Dispose();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private protected override ClientCore Core => engine.Core;

    private void CheckProperties(MqttProperties? properties, PropertyPacket packet, string paramName) =>
        ClientCore.CheckProperties(Version, properties, packet, paramName);

    private static void CheckFilter(string? topicFilter, string paramName) => ClientCore.CheckFilter(topicFilter, paramName);
}

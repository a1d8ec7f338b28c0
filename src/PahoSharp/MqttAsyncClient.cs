using System.Buffers;
using System.Text;
using PahoSharp.Interop;
using PahoSharp.Interop.Async;
using PahoSharp.Interop.Operations;
using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;
using PahoSharp.Telemetry;

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
public sealed class MqttAsyncClient : IDisposable, IAsyncDisposable, IAsyncClientCallbacks
{
    private const string AutomaticReconnect = "automatic reconnect";

    /// <summary>How long <see cref="DisconnectAsync(CancellationToken)"/> lets paho complete messages in flight.</summary>
    private static readonly TimeSpan DefaultDisconnectTimeout = TimeSpan.FromSeconds(5);

    private readonly AsyncClientHandle handle = new();
    private readonly nint callbackId;
    private readonly ParsedServerUri serverUri;
    private readonly ClientCore core;
    private readonly AsyncOperationSet operations = new();
    private readonly PersistenceBridge? persistence;
    private readonly DropOldestBuffer? dropOldest;
    private readonly ClientTelemetry telemetry;
    private readonly Lock subscriptionsGate = new();
    private readonly Dictionary<string, MqttSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim connectionGate = new(1, 1);
    private (ConnectOperation Operation, TimeSpan Bound)? abandonedConnect;
    private readonly AsyncPublishWindow window;
    private readonly Func<PendingTokens?> pahoPending;
    private readonly AsyncSocketWatch socketWatch = new();
    private readonly ConnectionWait connection = new();
    private volatile bool cleanSession;
    private volatile bool reconnects;
    // The caller's last word was DisconnectAsync. After a first connect that failed, paho 1.3.12 to 1.3.15 goes on
    // with its connect retries through a disconnect that finds no connection (it clears its wish to be
    // connected, not its retrying), and a retry that succeeds connects the client again: the connected
    // callback ends that connection.
    private volatile bool disconnectRequested;
    // Under the connection gate: whether the connect under way reached paho, which then settles it.
    private bool connectGivenToPaho;
    private AsyncConnectOptionsWriter? connectMemory;
    private IReadOnlyList<ParsedServerUri> connectUris = [];
    private IReadOnlyList<string> pahoUris = [];

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
    {
        serverUri = ClientCore.CheckOptions(options, uriName, idName, nameof(options), nameof(options));
        window = new AsyncPublishWindow(10, HandOver);
        pahoPending = ReadPendingTokens;

        ServerUri = options.ServerUri;
        ClientId = options.ClientId;
        Version = options.Version;
        telemetry = new ClientTelemetry(options.LoggerFactory, typeof(MqttAsyncClient).FullName!, ClientId, ServerUri, options.ReceiveBufferCapacity, () => operations.Publications);
        if (options.OfflineBuffer is { DeleteOldest: true } buffer)
            dropOldest = new DropOldestBuffer(buffer.MaxMessages);
        if (options.Persistence.Store is { } store)
            persistence = PersistenceBridge.ForAsync(store, telemetry);
        try
        {
            handle.Initialize(Create(options, idName, persistence));
        }
        catch
        {
            persistence?.Dispose();
            telemetry.Dispose();
            throw;
        }
        core = new ClientCore(this, options, PahoThread.Async, telemetry);
        callbackId = CallbackRegistry<IAsyncClientCallbacks>.Register(this);
        int rc = AsyncClientCallbacks.Set(handle.DangerousGetHandle(), callbackId, Version == MqttVersion.V5);
        if (rc != MQTTAsyncConstants.MQTTASYNC_SUCCESS)
        {
            CallbackRegistry<IAsyncClientCallbacks>.Unregister(callbackId);
            core.Dispatcher.Close();
            handle.Dispose();
            persistence?.Dispose();
            telemetry.Dispose();
            throw MqttException.FromAsync(rc, "set callbacks");
        }
    }

    /// <summary>A message arrived on a subscription. Raised on the client's dispatcher, in arrival order.</summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived
    {
        add => core.MessageReceived += value;
        remove => core.MessageReceived -= value;
    }

    /// <summary><see cref="ConnectAsync(ConnectOptions, CancellationToken)"/> connected. Raised on the client's dispatcher.</summary>
    public event EventHandler<MqttConnectedEventArgs>? Connected
    {
        add => core.Connected += value;
        remove => core.Connected -= value;
    }

    /// <summary>The connection ended without <see cref="DisconnectAsync(TimeSpan, CancellationToken)"/>; paho reconnects if told to. Raised on the client's dispatcher.</summary>
    public event EventHandler<ConnectionLostEventArgs>? ConnectionLost
    {
        add => core.ConnectionLost += value;
        remove => core.ConnectionLost -= value;
    }

    /// <summary>paho reconnected by itself, and the client subscribed again to what it had. Raised on the client's dispatcher.</summary>
    public event EventHandler<MqttReconnectedEventArgs>? Reconnected
    {
        add => core.Reconnected += value;
        remove => core.Reconnected -= value;
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
            return MQTTAsyncApi.MQTTAsync_isConnected(use.Client) != 0;
        }
    }

    /// <summary>Received messages dropped because the receive buffer was full (<see cref="ReceiveBufferFullMode.DropNewest"/>).</summary>
    public long DroppedMessages => core.Dispatcher.Dropped;

    /// <summary>The subscriptions the client holds and restores after a reconnect: filter and QoS asked for.</summary>
    public IReadOnlyList<MqttSubscription> Subscriptions
    {
        get
        {
            lock (subscriptionsGate)
                return [.. subscriptions.Values];
        }
    }

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
    public async Task<MqttConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (uris, version) = ConnectOptionsCheck.Check(options, Version, serverUri, canReconnect: true);
        core.ThrowIfDisposed();
        // Before the first await: a subscription made from here on waits for this connect.
        connection.Connecting();
        try
        {
            await connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Never started: a subscription that waits for it must not wait for ever.
            connection.Stopped();
            throw;
        }
        long started = ClientTelemetry.ConnectStarting();
        try
        {
            MqttConnectResult result = await ConnectLockedAsync(options, version, uris, cancellationToken).ConfigureAwait(false);
            telemetry.Connected(result, started);
            return result;
        }
        catch (Exception e)
        {
            // Failed before paho had it (name resolution, a cancelled wait): nobody is connecting now.
            if (!connectGivenToPaho)
                connection.Stopped();
            if (e is not OperationCanceledException)
                telemetry.ConnectFailed(e, ServerUri, started);
            throw;
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>Connects, the connection gate held.</summary>
    private async Task<MqttConnectResult> ConnectLockedAsync(ConnectOptions options, MqttVersion version, IReadOnlyList<ParsedServerUri> uris, CancellationToken cancellationToken)
    {
        connectGivenToPaho = false;
        // A connect whose wait was cancelled goes on in paho, and a new MQTTAsync_connect would take over
        // its callbacks: the new one would get the old one's outcome. Its own timeout bounds it.
        if (abandonedConnect is { } abandoned)
        {
            try
            {
                await abandoned.Operation.Task.WaitAsync(abandoned.Bound, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Its outcome was its caller's, who stopped waiting for it.
            }
            abandonedConnect = null;
        }
        long started = Environment.TickCount64;
        var (resolved, timeLeft) = await Task.Run(() => HostResolver.Resolve(uris, options.ConnectTimeout), cancellationToken).ConfigureAwait(false);
        bool ownUriAsIs = options.ServerUris.Count == 0 && resolved[0] == ServerUri;
        var writer = new AsyncConnectOptionsWriter(options, version, ownUriAsIs ? [] : resolved, timeLeft);
        var operation = new ConnectOperation(operations, ReportedUriOf,
            (code, message, errno) => ConnectFailure.Async(code, message, errno, uris, resolved, options.ConnectTimeout, started));
        connectUris = uris;
        pahoUris = resolved;
        window.SetLimit(WindowLimit(options.MaxInflight));
        cleanSession = options.CleanSession;
        _ = operation.Task.ContinueWith(
            t =>
            {
                // paho also empties its session when the broker had none (for automatic reconnects the connected callback does not say).
                if (!t.Result.SessionPresent)
                    window.SessionEmptied();
                // paho lowers its window to an MQTT 5 broker's Receive Maximum; so does this.
                if (t.Result.Properties?.ReceiveMaximum is { } receiveMaximum)
                    window.SetLimit(WindowLimit(Math.Min(options.MaxInflight, receiveMaximum)));
                window.Close();
            },
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = operation.Task.ContinueWith(
            t => core.Dispatcher.PostEvent(new MqttConnectedEventArgs(t.Result)),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        reconnects = options.Reconnect is not null;
        disconnectRequested = false;
        _ = operation.Task.ContinueWith(
            _ =>
            {
                // paho goes on trying by itself only with automatic reconnect.
                if (!reconnects)
                    connection.Stopped();
            },
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        connection.Connecting();
        socketWatch.Begin();
        if (!Connect(writer, operation))
        {
            socketWatch.End();
            writer.Dispose();
            connection.Stopped();
            return await operation.Task.ConfigureAwait(false);
        }
        connectGivenToPaho = true;
        // paho reads these options again for every automatic reconnect.
        connectMemory?.Dispose();
        connectMemory = writer;
        try
        {
            return await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!operation.Task.IsCompleted)
        {
            // paho's connect goes on: the next connect waits for it (bounded by its connect timeout,
            // with a margin for each of its URIs and for paho's MQTT 3.1 fallback).
            abandonedConnect = (operation, 2 * (Math.Max(1, resolved.Count) * options.ConnectTimeout) + TimeSpan.FromSeconds(5));
            throw;
        }
        catch (Exception) when (operation.Task.IsFaulted && !reconnects)
        {
            // paho has given up: no socket opens until the next connect.
            socketWatch.End();
            throw;
        }
    }

    /// <summary>
    /// Publishes (<c>MQTTAsync_sendMessage</c>) and completes when paho has the broker's PUBACK (QoS 1) or
    /// PUBCOMP (QoS 2), or has written a QoS 0 message. While disconnected it is refused
    /// (<see cref="MqttAsyncReturnCode.Disconnected"/>) unless <see cref="MqttClientOptions.OfflineBuffer"/> is set.
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
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken = default)
    {
        Check.Qos(qos, nameof(qos));
        MqttText.CheckPayloadLength(payload.Length, nameof(payload));
        MqttText.CheckTopicName(topic, nameof(topic));
        CheckProperties(properties, PropertyPacket.Publish, nameof(properties));
        core.ThrowIfDisposed();
        var measure = new PublishMeasure(ClientTelemetry.PublishStarting(), telemetry.StartPublish(topic, qos, retained, payload.Length));
        // A buffer that deletes the oldest holds QoS 0 in the window too, so that paho never drops while connected.
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
        // The window is full, or others wait ahead: the caller's memory may change once this returns, so keep a copy.
        var operation = PublishOperation.Rent(operations, qos, telemetry, payload.Length, measure, pahoPending);
        var waiting = new QueuedPublication(operation, topic, payload.ToArray(), retained, properties, measure);
        waiting.CancelWith(cancellationToken);
        window.Enqueue(waiting);
        return operation.Task.WaitAsync(cancellationToken);
    }

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
        IReadOnlyList<MqttSubscribeResult> results = await SubscribeCore([new MqttSubscription(topicFilter, qos)], null, restoring: false, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
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

    private MqttSubscribeResult Granted(MqttSubscribeResult result) => ClientCore.Granted(Version, result);

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
        return SubscribeCore(requested, properties, restoring: false, cancellationToken).WaitAsync(cancellationToken);
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
        UnsubscribeAnswer answer = await UnsubscribeCore([topicFilter], properties).WaitAsync(cancellationToken).ConfigureAwait(false);
        MqttReasonCode code = answer.Codes[0];
        if ((int)code >= 0x80)
            throw MqttException.Refused(code, "unsubscribe", answer.ReasonString);
        return code;
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
        UnsubscribeAnswer answer = await UnsubscribeCore(filters, null).WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer.Codes;
    }

    /// <summary>
    /// Sends DISCONNECT and closes the connection (<c>MQTTAsync_disconnect</c>): the broker discards the
    /// will, and paho stops reconnecting. paho may spend up to 5 s completing messages in flight first.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait, not the disconnect.</param>
    /// <exception cref="MqttException">paho refused: <see cref="MqttAsyncReturnCode.Disconnected"/> when there was no connection.</exception>
    public Task DisconnectAsync(CancellationToken cancellationToken = default) =>
        DisconnectCoreAsync(DefaultDisconnectTimeout, MqttReasonCode.Success, null, cancellationToken);

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
        DisconnectCoreAsync(timeout, MqttReasonCode.Success, null, cancellationToken);

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
        return DisconnectCoreAsync(timeout, reasonCode, properties, cancellationToken);
    }

    private async Task DisconnectCoreAsync(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, CancellationToken cancellationToken)
    {
        Check.Timeout(timeout, nameof(timeout));
        core.ThrowIfDisposed();
        await connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            disconnectRequested = true;
            connection.Stopped();
            var operation = new DisconnectOperation(operations);
            Disconnect(timeout, reasonCode, properties, operation);
            await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // paho stops reconnecting.
            socketWatch.End();
            ConnectionEnded();
            telemetry.Disconnected();
        }
        finally
        {
            connectionGate.Release();
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
    /// <paramref name="cancellationToken"/> fires; it holds at most the receive buffer's capacity.
    /// </summary>
    public IAsyncEnumerable<MqttMessage> ReadMessagesAsync(CancellationToken cancellationToken = default)
    {
        return core.ReadMessages(cancellationToken);
    }

    /// <summary>
    /// Destroys the client (<c>MQTTAsync_destroy</c>, which sends DISCONNECT if connected). Operations still
    /// under way fail: with <see cref="MqttAsyncReturnCode.OperationIncomplete"/> when paho discards them
    /// as it destroys the client (a publication awaiting its PUBACK, say), else with
    /// <see cref="ObjectDisposedException"/>. Disconnect first to let them finish. Once it returns, no handler runs any more
    /// (unless it is called from a handler, which then is the last).
    /// </summary>
    public void Dispose()
    {
        if (!core.MarkDisposed())
            return;
        // First: no handler runs after this, and paho's thread is no longer held by a full buffer.
        core.Dispatcher.Close();
        // Destroys once the last native call in progress on another thread has returned.
        handle.Dispose();
        socketWatch.End();
        connection.Stopped();
        CallbackRegistry<IAsyncClientCallbacks>.Unregister(callbackId);
        operations.AbandonAll(() => new ObjectDisposedException(nameof(MqttAsyncClient)));
        dropOldest?.WakeAll();
        persistence?.Dispose();
        connectMemory?.Dispose();
        connectMemory = null;
        core.Readers.CompleteAll();
        telemetry.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    unsafe void IAsyncClientCallbacks.OnMessageArrived(ReadOnlySpan<byte> topic, MQTTAsync_message* message) =>
        core.OnMessageArrived(topic, message->payload, message->payloadlen, message->qos, message->retained, message->dup, &message->properties);

    void IAsyncClientCallbacks.OnConnectionLost(string? cause) =>
        ConnectionEnded(new ConnectionLostEventArgs(cause));

    unsafe void IAsyncClientCallbacks.OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
        ConnectionEnded(new ConnectionLostEventArgs(null, (MqttReasonCode)reasonCode, PropertyReader.ReasonString(properties), PropertiesReader.Read(properties)));

    void IAsyncClientCallbacks.OnConnected(string? cause)
    {
        // paho opened and prepared this connection's socket before it read the CONNACK.
        socketWatch.End();
        if (cause != AutomaticReconnect || !disconnectRequested)
            connection.Connected();
        // First: paho calls this under the lock it took to mark the client connected, before it sends anything.
        // paho empties its in-flight window on a clean session's CONNACK, before it calls this.
        if (cleanSession)
            window.SessionEmptied();
        window.Close();
        if (cause != AutomaticReconnect)
            return; // ConnectAsync's own: its onSuccess completed the task, and raises Connected.
        if (disconnectRequested)
        {
            // Off paho's thread, which holds its lock while it calls this.
            _ = Task.Run(EndReconnectAfterDisconnectAsync);
            return;
        }
        telemetry.Reconnected();
        // Off paho's thread: subscribing waits for paho's receive thread.
        _ = Task.Run(RestoreSubscriptionsAsync);
    }

    /// <summary>
    /// Ends a connection that paho's retries made after <see cref="DisconnectAsync(TimeSpan, CancellationToken)"/>
    /// had found none, with DISCONNECT, unless the caller connected again meanwhile. Its DISCONNECT
    /// also ends paho's retries: paho clears its retrying once a retry connects.
    /// </summary>
    private async Task EndReconnectAfterDisconnectAsync()
    {
        await connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!disconnectRequested || core.IsDisposed)
                return;
            var operation = new DisconnectOperation(operations);
            Disconnect(TimeSpan.Zero, MqttReasonCode.Success, null, operation);
            await operation.Task.ConfigureAwait(false);
            ConnectionEnded();
            telemetry.ReconnectAfterDisconnectEnded();
        }
        catch (Exception e) when (e is MqttException or ObjectDisposedException)
        {
            // Lost again, or disposed, meanwhile: either way it is not connected.
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>The connection ended without DISCONNECT: what waits for a place goes to paho, which buffers or refuses it.</summary>
    private void ConnectionEnded(ConnectionLostEventArgs lost)
    {
        // On paho's thread, before paho starts reconnecting: its new sockets are seen.
        if (reconnects)
        {
            socketWatch.Begin();
            connection.Connecting();
        }
        ConnectionEnded();
        telemetry.ConnectionLost(lost);
        core.Dispatcher.PostEvent(lost);
    }

    private void ConnectionEnded()
    {
        window.Open();
        dropOldest?.WakeAll();
    }

    private static unsafe nint Create(MqttClientOptions options, string idName, PersistenceBridge? store)
    {
        using var uri = Utf8z.String(options.ServerUri, stackalloc byte[Utf8z.StackBytes], nameof(options));
        using var id = Utf8z.String(options.ClientId, stackalloc byte[Utf8z.StackBytes], idName);
        string? directoryName = options.Persistence.Directory;
        using var directory = Utf8z.String(directoryName ?? "", stackalloc byte[Utf8z.StackBytes], nameof(options));
        MQTTAsync_createOptions createOptions = options.Version == MqttVersion.V5
            ? Initializers.MQTTAsync_createOptions_initializer5
            : Initializers.MQTTAsync_createOptions_initializer;
        createOptions.MQTTVersion = (int)options.Version;
        if (options.OfflineBuffer is { } buffer)
        {
            createOptions.sendWhileDisconnected = 1;
            createOptions.maxBufferedMessages = buffer.MaxMessages;
            createOptions.deleteOldestMessages = buffer.DeleteOldest ? 1 : 0;
        }
        else
        {
            // paho counts every publication not yet written against maxBufferedMessages, connected or
            // not (100 by default): a burst of more PublishAsync calls would be refused while connected.
            createOptions.maxBufferedMessages = int.MaxValue;
        }
        nint client = 0;
        int rc;
        fixed (byte* uriPtr = uri)
        fixed (byte* idPtr = id)
        fixed (byte* directoryPtr = directory)
        {
            int type = MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE;
            void* context = null;
            if (directoryName is not null)
            {
                type = MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_DEFAULT;
                context = directoryPtr;
            }
            else if (store is not null)
            {
                type = MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_USER;
                context = store.Native;
            }
            rc = MQTTAsyncApi.MQTTAsync_createWithOptions(&client, uriPtr, idPtr, type, context, &createOptions);
        }
        if (rc != MQTTAsyncConstants.MQTTASYNC_SUCCESS)
            throw MqttException.FromAsync(rc, "create");
        return client;
    }

    private string ReportedUriOf(string connected) => ReportedUri.Of(connected, connectUris, pahoUris);

    private void CheckProperties(MqttProperties? properties, PropertyPacket packet, string paramName) =>
        ClientCore.CheckProperties(Version, properties, packet, paramName);

    private static void CheckFilter(string? topicFilter, string paramName) => ClientCore.CheckFilter(topicFilter, paramName);

    /// <summary>Before the native call that starts an operation.</summary>
    private static void BeginOperation(AsyncOperation operation) => operation.HoldPahoWait();

    /// <summary>After the native call: paho's refusal fails the operation at once; otherwise paho's completion will.</summary>
    /// <returns>Whether paho took the command.</returns>
    private bool EndOperation(AsyncOperation operation, int returnCode)
    {
        if (returnCode == MQTTAsyncConstants.MQTTASYNC_SUCCESS)
            return true;
        operation.Abandon(returnCode == MQTTAsyncConstants.MQTTASYNC_DISCONNECTED && operation.Name is "publish" or "subscribe" or "unsubscribe"
            ? NotConnected(operation.Name)
            : MqttException.FromAsync(returnCode, operation.Name));
        return false;
    }

    /// <summary>paho's <see cref="MqttAsyncReturnCode.Disconnected"/> refusal, said with what the caller can do.</summary>
    private MqttException NotConnected(string operation) =>
        MqttException.NotConnected(operation, async: true,
            connection.IsConnecting ? "the client is still connecting: await ConnectAsync first (or set MqttClientOptions.OfflineBuffer to publish meanwhile)"
            : connection.EverConnected ? "the client is not connected: its connection ended (ConnectionLost tells when and why); call ConnectAsync again, or set ConnectOptions.Reconnect"
            : "the client is not connected yet: call ConnectAsync first (or set MqttClientOptions.OfflineBuffer to publish before the connection)");

    /// <summary>The native call threw before paho took the command.</summary>
    private static void FailOperation(AsyncOperation operation, Exception error) => operation.Abandon(error);

    /// <summary>The native call threw before paho took the command, and the exception goes to the caller: the operation's task is not the caller's.</summary>
    private static void FailOperationThrown(AsyncOperation operation, Exception error) => operation.AbandonThrown(error);

    private unsafe bool Connect(AsyncConnectOptionsWriter writer, ConnectOperation operation)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            AsyncOperationCallbacks.Attach(writer.Options, operation, Version == MqttVersion.V5);
            rc = MQTTAsyncApi.MQTTAsync_connect(use.Client, writer.Options);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        return EndOperation(operation, rc);
    }

    private unsafe void Disconnect(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, DisconnectOperation operation)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            using var written = new PropertiesWriter(properties, PropertiesLibrary.Async, PropertyPacket.Disconnect, nameof(properties));
            MQTTAsync_disconnectOptions options = Version == MqttVersion.V5
                ? Initializers.MQTTAsync_disconnectOptions_initializer5
                : Initializers.MQTTAsync_disconnectOptions_initializer;
            options.timeout = (int)timeout.TotalMilliseconds;
            options.reasonCode = (MQTTReasonCodes)reasonCode;
            if (written.Native is not null)
                options.properties = *written.Native;
            AsyncOperationCallbacks.Attach(&options, operation, Version == MqttVersion.V5);
            rc = MQTTAsyncApi.MQTTAsync_disconnect(use.Client, &options);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        EndOperation(operation, rc);
    }

    /// <summary>
    /// The window's limit for a connection's in-flight limit: with a buffer that deletes the oldest, also at
    /// most its size, so that while connected paho never holds so many unsent publications that it would
    /// drop one: the option drops what waits while disconnected.
    /// </summary>
    private int WindowLimit(int maxInflight) => dropOldest is null ? maxInflight : Math.Min(maxInflight, dropOldest.MaxMessages);

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
    /// window (<see cref="WindowLimit"/>) makes this rare: it is for a publication let through the window
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
                if (IsConnectedNow())
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

    /// <summary>paho's pending tokens (<c>MQTTAsync_getPendingTokens</c>, which takes paho's lock: never on paho's thread), or null once the client is gone.</summary>
    private PendingTokens? ReadPendingTokens()
    {
        PahoThread.Async.EnterWait();
        try
        {
            using var use = Use();
            return PendingTokens.Read(use.Client);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            PahoThread.Async.ExitWait();
        }
    }

    /// <summary><c>MQTTAsync_isConnected</c>, which takes paho's lock: counted as a wait for paho's receive thread.</summary>
    private bool IsConnectedNow()
    {
        PahoThread.Async.EnterWait();
        try
        {
            using var use = Use();
            return MQTTAsyncApi.MQTTAsync_isConnected(use.Client) != 0;
        }
        finally
        {
            PahoThread.Async.ExitWait();
        }
    }

    private void Publish(PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            rc = SendMessage(use.Client, operation, topic, payload, qos, retained, properties);
        }
        catch (Exception e)
        {
            FailOperation(operation, e);
            throw;
        }
        EndOperation(operation, rc);
    }

    /// <summary>
    /// <see cref="Publish"/> with paho's <c>deleteOldestMessages</c>: the publication joins the account of
    /// what paho holds; paho calls back the one it drops (<see cref="PublishOperation"/>).
    /// </summary>
    /// <returns>Whether paho took the publication or refused it; false when the buffer is full while connected (wait for room instead).</returns>
    private bool PublishDroppingOldest(DropOldestBuffer buffer, PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
    {
        using var use = Use();
        if (buffer.IsFull && IsConnectedNow())
            return false;
        BeginOperation(operation);
        operation.Join(buffer);
        int rc;
        try
        {
            rc = SendMessage(use.Client, operation, topic, payload, qos, retained, properties);
        }
        catch (Exception e)
        {
            FailOperation(operation, e);
            throw;
        }
        EndOperation(operation, rc);
        return true;
    }

    /// <summary><c>MQTTAsync_sendMessage</c>; on success the operation has paho's token.</summary>
    private unsafe int SendMessage(nint client, PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
    {
        byte empty = 0;
        fixed (byte* topicPtr = topic)
        fixed (byte* payloadPtr = payload)
        {
            MQTTAsync_message message = Initializers.MQTTAsync_message_initializer;
            // An empty span pins as NULL; paho wants a pointer even for zero bytes.
            message.payload = payloadPtr is null ? &empty : payloadPtr;
            message.payloadlen = payload.Length;
            message.qos = (int)qos;
            message.retained = retained ? 1 : 0;
            // paho copies the properties into its command.
            if (properties.Native is not null)
                message.properties = *properties.Native;
            MQTTAsync_responseOptions response = Initializers.MQTTAsync_responseOptions_initializer;
            AsyncOperationCallbacks.Attach(&response, operation, Version == MqttVersion.V5);
            int rc = MQTTAsyncApi.MQTTAsync_sendMessage(client, topicPtr, &message, &response);
            operation.Token = response.token;
            return rc;
        }
    }

    private async Task<IReadOnlyList<MqttSubscribeResult>> SubscribeCore(IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, bool restoring, CancellationToken cancellationToken = default)
    {
        // Made while the client is connecting: it waits for the connection (or for the end of the trying),
        // rather than being refused a moment before the connection comes.
        if (!restoring && connection.IsConnecting && !IsConnectedNow())
            await connection.WhenSettledAsync(cancellationToken).ConfigureAwait(false);
        var operation = new SubscribeOperation(operations, requested);
        StartSubscribe(operation, requested, properties, restoring);
        IReadOnlyList<MqttSubscribeResult> results = await operation.Task.ConfigureAwait(false);
        lock (subscriptionsGate)
        {
            foreach (MqttSubscribeResult result in results)
            {
                if (result.IsGranted)
                    subscriptions[result.TopicFilter] = requested.First(r => r.TopicFilter == result.TopicFilter);
            }
        }
        return results;
    }

    private async Task<UnsubscribeAnswer> UnsubscribeCore(IReadOnlyList<string> filters, MqttProperties? properties)
    {
        var operation = new UnsubscribeOperation(operations, filters.Count);
        StartUnsubscribe(operation, filters, properties);
        UnsubscribeAnswer answer = await operation.Task.ConfigureAwait(false);
        IReadOnlyList<MqttReasonCode> codes = answer.Codes;
        lock (subscriptionsGate)
        {
            for (int i = 0; i < filters.Count; i++)
            {
                if ((int)codes[i] < 0x80)
                    subscriptions.Remove(filters[i]);
            }
        }
        return answer;
    }

    private unsafe void StartSubscribe(SubscribeOperation operation, IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, bool restoring)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            using var arena = new NativeArena();
            using var written = new PropertiesWriter(properties, PropertiesLibrary.Async, PropertyPacket.Subscribe, nameof(properties));
            var topics = arena.AllocateArray<nint>(requested.Count);
            var qos = arena.AllocateArray<int>(requested.Count);
            var options = arena.AllocateArray<MQTTSubscribe_options>(requested.Count);
            bool mqtt5 = Version == MqttVersion.V5;
            for (int i = 0; i < requested.Count; i++)
            {
                topics[i] = (nint)arena.CopyString(requested[i].TopicFilter, nameof(requested));
                qos[i] = (int)requested[i].Qos;
                options[i] = SubscribeOptionsWriter.Write(requested[i]);
                // A restored subscription gets retained messages only if the broker had lost it (MQTT 5).
                if (restoring && options[i].retainHandling == (byte)MqttRetainHandling.SendAtSubscribe)
                    options[i].retainHandling = (byte)MqttRetainHandling.SendAtSubscribeIfNew;
            }
            MQTTAsync_responseOptions response = Initializers.MQTTAsync_responseOptions_initializer;
            AsyncOperationCallbacks.Attach(&response, operation, mqtt5);
            if (mqtt5)
            {
                // paho takes one options struct for one filter, a list for several; it copies both.
                if (requested.Count == 1)
                {
                    response.subscribeOptions = options[0];
                }
                else
                {
                    response.subscribeOptionsList = options;
                    response.subscribeOptionsCount = requested.Count;
                }
                if (written.Native is not null)
                    response.properties = *written.Native;
            }
            // paho copies the filters into its command.
            rc = MQTTAsyncApi.MQTTAsync_subscribeMany(use.Client, requested.Count, (byte**)topics, qos, &response);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        EndOperation(operation, rc);
    }

    private unsafe void StartUnsubscribe(UnsubscribeOperation operation, IReadOnlyList<string> filters, MqttProperties? properties)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            using var arena = new NativeArena();
            using var written = new PropertiesWriter(properties, PropertiesLibrary.Async, PropertyPacket.Unsubscribe, nameof(properties));
            var topics = arena.AllocateArray<nint>(filters.Count);
            for (int i = 0; i < filters.Count; i++)
                topics[i] = (nint)arena.CopyString(filters[i], nameof(filters));
            MQTTAsync_responseOptions response = Initializers.MQTTAsync_responseOptions_initializer;
            AsyncOperationCallbacks.Attach(&response, operation, Version == MqttVersion.V5);
            if (written.Native is not null)
                response.properties = *written.Native;
            rc = MQTTAsyncApi.MQTTAsync_unsubscribeMany(use.Client, filters.Count, (byte**)topics, &response);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        EndOperation(operation, rc);
    }

    /// <summary>After paho's automatic reconnect: subscribes again to everything the client had, then raises <see cref="Reconnected"/>.</summary>
    private async Task RestoreSubscriptionsAsync()
    {
        MqttSubscription[] had = [.. Subscriptions];
        IReadOnlyList<MqttSubscribeResult> restored = [];
        MqttException? failure = null;
        if (had.Length > 0)
        {
            try
            {
                restored = await SubscribeCore(had, null, restoring: true).ConfigureAwait(false);
                telemetry.SubscriptionsRestored(restored);
            }
            catch (MqttException e)
            {
                failure = e;
                telemetry.SubscriptionsNotRestored(e);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
        core.Dispatcher.PostEvent(new MqttReconnectedEventArgs(restored, failure));
    }

    private NativeUse Use() => core.Lease(handle);
}

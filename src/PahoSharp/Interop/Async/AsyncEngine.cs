using PahoSharp.Interop.Properties;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// Everything an MQTT client over paho's <c>MQTTAsync</c> engine does below its public face: it creates
/// the native client (<see cref="AsyncCommands"/>) and takes its callbacks, and holds the connection
/// (<see cref="AsyncConnector"/>), the publish pipeline (<see cref="AsyncPublisher"/>), and the
/// subscriptions (<see cref="SubscriptionSet"/>), which it restores after paho's automatic reconnect.
/// It knows the public client only as an object: the events' sender, what
/// <see cref="ObjectDisposedException"/> names, and its logger category.
/// </summary>
internal sealed class AsyncEngine : IAsyncClientCallbacks, IDisposable
{
    private readonly object owner;
    private readonly AsyncClientHandle handle = new();
    private readonly nint callbackId;
    private readonly AsyncOperationSet operations = new();
    private readonly PersistenceBridge? persistence;
    private readonly ClientTelemetry telemetry;
    private readonly AsyncCommands paho;
    private readonly AsyncPublisher publisher;
    private readonly SubscriptionSet subscriptions = new();
    private readonly ConnectionWait connection = new();
    private readonly AsyncConnector connector;

    /// <summary>Creates paho's client (<c>MQTTAsync_createWithOptions</c>) and sets its callbacks.</summary>
    /// <param name="owner">The public client: the sender of its events, named by <see cref="ObjectDisposedException"/> and in its logger category.</param>
    /// <param name="options">The creation options, checked (<see cref="ClientCore.CheckOptions"/>).</param>
    /// <param name="serverUri">The server URI parsed.</param>
    /// <param name="idName">The public constructor's name for the client identifier.</param>
    public AsyncEngine(object owner, MqttClientOptions options, ParsedServerUri serverUri, string idName)
    {
        this.owner = owner;
        Version = options.Version;
        telemetry = new ClientTelemetry(options.LoggerFactory, owner.GetType().FullName!, options.ClientId, options.ServerUri, options.ReceiveBufferCapacity, () => operations.Publications);
        if (options.Persistence.Store is { } store)
            persistence = PersistenceBridge.ForAsync(store, telemetry);
        try
        {
            handle.Initialize(AsyncCommands.Create(options, idName, persistence));
        }
        catch
        {
            persistence?.Dispose();
            telemetry.Dispose();
            throw;
        }
        Core = new ClientCore(owner, options, PahoThread.Async, telemetry);
        paho = new AsyncCommands(handle, Core, connection, Version);
        publisher = new AsyncPublisher(paho, operations, Core, telemetry, Version, options.OfflineBuffer);
        connector = new AsyncConnector(Core, paho, operations, publisher, telemetry, connection, serverUri, options.ServerUri, Version);
        callbackId = CallbackRegistry<IAsyncClientCallbacks>.Register(this);
        int rc = AsyncClientCallbacks.Set(handle.DangerousGetHandle(), callbackId, Version == MqttVersion.V5);
        if (rc != MQTTAsyncConstants.MQTTASYNC_SUCCESS)
        {
            CallbackRegistry<IAsyncClientCallbacks>.Unregister(callbackId);
            Core.Dispatcher.Close();
            handle.Dispose();
            persistence?.Dispose();
            telemetry.Dispose();
            throw MqttException.FromAsync(rc, "set callbacks");
        }
    }

    private MqttVersion Version { get; }

    /// <summary>The receiving side, the events and the disposed flag, shared with the other client's kind.</summary>
    public ClientCore Core { get; }

    /// <summary>Whether paho is connected now; false once disposed.</summary>
    public bool IsConnected => paho.IsConnected;

    /// <summary>The subscriptions held and restored after a reconnect.</summary>
    public IReadOnlyList<MqttSubscription> Subscriptions => subscriptions.Snapshot();

    /// <summary>Connects; see the public <c>ConnectAsync</c>.</summary>
    public Task<MqttConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken) =>
        connector.ConnectAsync(options, cancellationToken);

    /// <summary>Publishes; see <see cref="AsyncPublisher.PublishAsync"/>.</summary>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken) =>
        publisher.PublishAsync(topic, payload, qos, retained, properties, cancellationToken);

    /// <summary>Subscribes to filters already checked, and keeps the granted ones to restore them.</summary>
    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, CancellationToken cancellationToken) =>
        SubscribeCore(requested, properties, restoring: false, cancellationToken).WaitAsync(cancellationToken);

    /// <summary>Unsubscribes from filters already checked, and forgets those the broker unsubscribed.</summary>
    public Task<UnsubscribeAnswer> UnsubscribeAsync(IReadOnlyList<string> filters, MqttProperties? properties, CancellationToken cancellationToken) =>
        UnsubscribeCore(filters, properties).WaitAsync(cancellationToken);

    /// <summary>Sends DISCONNECT (the properties checked), and paho stops reconnecting.</summary>
    public Task DisconnectAsync(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, CancellationToken cancellationToken) =>
        connector.DisconnectAsync(timeout, reasonCode, properties, cancellationToken);

    /// <summary>Destroys paho's client and fails what is under way; see the public <c>Dispose</c>.</summary>
    public void Dispose()
    {
        if (!Core.MarkDisposed())
            return;
        // First: no handler runs after this, and paho's thread is no longer held by a full buffer.
        Core.Dispatcher.Close();
        // Destroys once the last native call in progress on another thread has returned.
        handle.Dispose();
        connector.Stop();
        CallbackRegistry<IAsyncClientCallbacks>.Unregister(callbackId);
        operations.AbandonAll(() => new ObjectDisposedException(owner.GetType().Name));
        publisher.Closed();
        persistence?.Dispose();
        connector.ReleaseOptions();
        Core.Readers.CompleteAll();
        telemetry.Dispose();
    }

    unsafe void IAsyncClientCallbacks.OnMessageArrived(ReadOnlySpan<byte> topic, MQTTAsync_message* message) =>
        Core.OnMessageArrived(topic, message->payload, message->payloadlen, message->qos, message->retained, message->dup, &message->properties);

    void IAsyncClientCallbacks.OnConnectionLost(string? cause) =>
        connector.Lost(new ConnectionLostEventArgs(cause));

    unsafe void IAsyncClientCallbacks.OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
        connector.Lost(new ConnectionLostEventArgs(null, (MqttReasonCode)reasonCode, PropertyReader.ReasonString(properties), PropertiesReader.Read(properties)));

    void IAsyncClientCallbacks.OnConnected(string? cause)
    {
        if (connector.Connected(cause))
        {
            // Off paho's thread: subscribing waits for paho's receive thread.
            _ = Task.Run(RestoreSubscriptionsAsync);
        }
    }

    private async Task<IReadOnlyList<MqttSubscribeResult>> SubscribeCore(IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, bool restoring, CancellationToken cancellationToken = default)
    {
        // Made while the client is connecting: it waits for the connection (or for the end of the trying),
        // rather than being refused a moment before the connection comes.
        if (!restoring && connection.IsConnecting && !paho.IsConnectedNow())
            await connection.WhenSettledAsync(cancellationToken).ConfigureAwait(false);
        var operation = new SubscribeOperation(operations, requested);
        paho.Subscribe(operation, requested, properties, restoring);
        IReadOnlyList<MqttSubscribeResult> results = await operation.Task.ConfigureAwait(false);
        subscriptions.Granted(requested, results);
        return results;
    }

    private async Task<UnsubscribeAnswer> UnsubscribeCore(IReadOnlyList<string> filters, MqttProperties? properties)
    {
        var operation = new UnsubscribeOperation(operations, filters.Count);
        paho.Unsubscribe(operation, filters, properties);
        UnsubscribeAnswer answer = await operation.Task.ConfigureAwait(false);
        subscriptions.Unsubscribed(filters, answer.Codes);
        return answer;
    }

    /// <summary>After paho's automatic reconnect: subscribes again to everything the client had, then raises <c>Reconnected</c>.</summary>
    private async Task RestoreSubscriptionsAsync()
    {
        MqttSubscription[] had = subscriptions.Snapshot();
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
        Core.Dispatcher.PostEvent(new MqttReconnectedEventArgs(restored, failure));
    }
}

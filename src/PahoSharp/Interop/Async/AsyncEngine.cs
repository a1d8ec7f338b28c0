using PahoSharp.Interop.Properties;
using PahoSharp.Native;
using PahoSharp.Telemetry;

namespace PahoSharp.Interop.Async;

/// <summary>
/// Everything an MQTT client over paho's <c>MQTTAsync</c> engine does below its public face: the native
/// client and its callbacks, the connect (one at a time, waiting for an abandoned one, with the URIs
/// paho reports mapped back), the disconnect, the publish pipeline (<see cref="AsyncPublisher"/>), the
/// subscriptions and their restore after paho's automatic reconnect, the socket watch, and paho's
/// reconnect after a disconnect that found no connection. It knows the public client only as an
/// object: the events' sender, and what <see cref="ObjectDisposedException"/> names.
/// </summary>
internal sealed class AsyncEngine : IAsyncClientCallbacks, IDisposable
{
    private const string AutomaticReconnect = "automatic reconnect";

    private readonly object owner;
    private readonly AsyncClientHandle handle = new();
    private readonly nint callbackId;
    private readonly ParsedServerUri serverUri;
    private readonly AsyncOperationSet operations = new();
    private readonly PersistenceBridge? persistence;
    private readonly ClientTelemetry telemetry;
    private readonly AsyncCommands paho;
    private readonly AsyncPublisher publisher;
    private readonly SubscriptionSet subscriptions = new();
    private readonly SemaphoreSlim connectionGate = new(1, 1);
    private (ConnectOperation Operation, TimeSpan Bound)? abandonedConnect;
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

    /// <summary>Creates paho's client (<c>MQTTAsync_createWithOptions</c>) and sets its callbacks.</summary>
    /// <param name="owner">The public client: the sender of its events, named by <see cref="ObjectDisposedException"/> and in its logger category.</param>
    /// <param name="options">The creation options, checked (<see cref="ClientCore.CheckOptions"/>).</param>
    /// <param name="serverUri">The server URI parsed.</param>
    /// <param name="idName">The public constructor's name for the client identifier.</param>
    public AsyncEngine(object owner, MqttClientOptions options, ParsedServerUri serverUri, string idName)
    {
        this.owner = owner;
        this.serverUri = serverUri;
        ServerUri = options.ServerUri;
        Version = options.Version;
        telemetry = new ClientTelemetry(options.LoggerFactory, owner.GetType().FullName!, options.ClientId, ServerUri, options.ReceiveBufferCapacity, () => operations.Publications);
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

    private string ServerUri { get; }

    private MqttVersion Version { get; }

    /// <summary>The receiving side, the events and the disposed flag, shared with the other client's kind.</summary>
    public ClientCore Core { get; }

    /// <summary>Whether paho is connected now; false once disposed.</summary>
    public bool IsConnected => paho.IsConnected;

    /// <summary>The subscriptions held and restored after a reconnect.</summary>
    public IReadOnlyList<MqttSubscription> Subscriptions => subscriptions.Snapshot();

    /// <summary>Connects; see the public <c>ConnectAsync</c>.</summary>
    public async Task<MqttConnectResult> ConnectAsync(ConnectOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (uris, version) = ConnectOptionsCheck.Check(options, Version, serverUri, canReconnect: true);
        Core.ThrowIfDisposed();
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
        publisher.SetLimit(options.MaxInflight);
        cleanSession = options.CleanSession;
        _ = operation.Task.ContinueWith(
            t =>
            {
                // paho also empties its session when the broker had none (for automatic reconnects the connected callback does not say).
                if (!t.Result.SessionPresent)
                    publisher.SessionEmptied();
                // paho lowers its window to an MQTT 5 broker's Receive Maximum; so does this.
                if (t.Result.Properties?.ReceiveMaximum is { } receiveMaximum)
                    publisher.SetLimit(Math.Min(options.MaxInflight, receiveMaximum));
                publisher.Connected();
            },
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = operation.Task.ContinueWith(
            t => Core.Dispatcher.PostEvent(new MqttConnectedEventArgs(t.Result)),
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
        if (!paho.Connect(writer, operation))
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

    /// <summary>Publishes; see <see cref="AsyncPublisher.PublishAsync"/>.</summary>
    public Task<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retained, MqttProperties? properties, CancellationToken cancellationToken) =>
        publisher.PublishAsync(topic, payload, qos, retained, properties, cancellationToken);

    /// <summary>Subscribes to filters already checked, and keeps the granted ones to restore them.</summary>
    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, CancellationToken cancellationToken) =>
        SubscribeCore(requested, properties, restoring: false, cancellationToken).WaitAsync(cancellationToken);

    /// <summary>Unsubscribes from filters already checked, and forgets those the broker unsubscribed.</summary>
    public Task<UnsubscribeAnswer> UnsubscribeAsync(IReadOnlyList<string> filters, MqttProperties? properties, CancellationToken cancellationToken) =>
        UnsubscribeCore(filters, properties).WaitAsync(cancellationToken);

    /// <summary>Sends DISCONNECT (the properties checked), and paho stops reconnecting.</summary>
    public async Task DisconnectAsync(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, CancellationToken cancellationToken)
    {
        Check.Timeout(timeout, nameof(timeout));
        Core.ThrowIfDisposed();
        await connectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            disconnectRequested = true;
            connection.Stopped();
            var operation = new DisconnectOperation(operations);
            paho.Disconnect(timeout, reasonCode, properties, operation);
            await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            // paho stops reconnecting.
            socketWatch.End();
            publisher.Disconnected();
            telemetry.Disconnected();
        }
        finally
        {
            connectionGate.Release();
        }
    }

    /// <summary>Destroys paho's client and fails what is under way; see the public <c>Dispose</c>.</summary>
    public void Dispose()
    {
        if (!Core.MarkDisposed())
            return;
        // First: no handler runs after this, and paho's thread is no longer held by a full buffer.
        Core.Dispatcher.Close();
        // Destroys once the last native call in progress on another thread has returned.
        handle.Dispose();
        socketWatch.End();
        connection.Stopped();
        CallbackRegistry<IAsyncClientCallbacks>.Unregister(callbackId);
        operations.AbandonAll(() => new ObjectDisposedException(owner.GetType().Name));
        publisher.Closed();
        persistence?.Dispose();
        connectMemory?.Dispose();
        connectMemory = null;
        Core.Readers.CompleteAll();
        telemetry.Dispose();
    }

    unsafe void IAsyncClientCallbacks.OnMessageArrived(ReadOnlySpan<byte> topic, MQTTAsync_message* message) =>
        Core.OnMessageArrived(topic, message->payload, message->payloadlen, message->qos, message->retained, message->dup, &message->properties);

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
            publisher.SessionEmptied();
        publisher.Connected();
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
    /// Ends a connection that paho's retries made after a disconnect that had found none, with
    /// DISCONNECT, unless the caller connected again meanwhile. Its DISCONNECT also ends paho's
    /// retries: paho clears its retrying once a retry connects.
    /// </summary>
    private async Task EndReconnectAfterDisconnectAsync()
    {
        await connectionGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!disconnectRequested || Core.IsDisposed)
                return;
            var operation = new DisconnectOperation(operations);
            paho.Disconnect(TimeSpan.Zero, MqttReasonCode.Success, null, operation);
            await operation.Task.ConfigureAwait(false);
            publisher.Disconnected();
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
        publisher.Disconnected();
        telemetry.ConnectionLost(lost);
        Core.Dispatcher.PostEvent(lost);
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

    private string ReportedUriOf(string connected) => ReportedUri.Of(connected, connectUris, pahoUris);
}

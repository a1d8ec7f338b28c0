using PahoSharp.Interop.Properties;
using PahoSharp.Interop.Writers;
using PahoSharp.Native;

namespace PahoSharp.Interop.Async;

/// <summary>
/// The native calls of one paho <c>MQTTAsync</c> client: creating it (with the persistence asked for),
/// and the commands that start an operation (connect, disconnect, publish, subscribe, unsubscribe),
/// each with the structs paho reads built here. paho's refusal of a command fails its operation at
/// once; otherwise paho's completion will. Every call leases the handle, so none runs on a destroyed client.
/// </summary>
internal sealed unsafe class AsyncCommands(AsyncClientHandle handle, ClientCore core, ConnectionWait connection, MqttVersion version)
{
    private readonly bool mqtt5 = version == MqttVersion.V5;

    /// <summary>Whether paho is connected now (<c>MQTTAsync_isConnected</c>); false once the client is disposed.</summary>
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

    /// <summary>Leases the handle for one native call.</summary>
    public NativeUse Use() => core.Lease(handle);

    /// <summary>
    /// <c>MQTTAsync_createWithOptions</c>: the persistence is paho's own directory, the caller's store,
    /// or none; without an offline buffer paho's count of unsent publications is lifted.
    /// </summary>
    public static nint Create(MqttClientOptions options, string idName, PersistenceBridge? store)
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

    /// <summary><c>MQTTAsync_isConnected</c>, which takes paho's lock: counted as a wait for paho's receive thread.</summary>
    public bool IsConnectedNow()
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

    /// <summary>paho's pending tokens (<c>MQTTAsync_getPendingTokens</c>, which takes paho's lock: never on paho's thread), or null once the client is gone.</summary>
    public PendingTokens? ReadPendingTokens()
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

    /// <summary><c>MQTTAsync_connect</c> with the options written.</summary>
    /// <returns>Whether paho took the command.</returns>
    public bool Connect(AsyncConnectOptionsWriter writer, ConnectOperation operation)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            AsyncOperationCallbacks.Attach(writer.Options, operation, mqtt5);
            rc = MQTTAsyncApi.MQTTAsync_connect(use.Client, writer.Options);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        return EndOperation(operation, rc);
    }

    /// <summary><c>MQTTAsync_disconnect</c>, with an MQTT 5 reason code and properties.</summary>
    public void Disconnect(TimeSpan timeout, MqttReasonCode reasonCode, MqttProperties? properties, DisconnectOperation operation)
    {
        BeginOperation(operation);
        int rc;
        try
        {
            using var use = Use();
            using var written = new PropertiesWriter(properties, PropertiesLibrary.Async, PropertyPacket.Disconnect, nameof(properties));
            MQTTAsync_disconnectOptions options = mqtt5
                ? Initializers.MQTTAsync_disconnectOptions_initializer5
                : Initializers.MQTTAsync_disconnectOptions_initializer;
            options.timeout = (int)timeout.TotalMilliseconds;
            options.reasonCode = (MQTTReasonCodes)reasonCode;
            if (written.Native is not null)
                options.properties = *written.Native;
            AsyncOperationCallbacks.Attach(&options, operation, mqtt5);
            rc = MQTTAsyncApi.MQTTAsync_disconnect(use.Client, &options);
        }
        catch (Exception e)
        {
            FailOperationThrown(operation, e);
            throw;
        }
        EndOperation(operation, rc);
    }

    /// <summary><c>MQTTAsync_sendMessage</c>; on success the operation has paho's token.</summary>
    public int SendMessage(nint client, PublishOperation operation, Utf8z topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retained, PropertiesWriter properties)
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
            AsyncOperationCallbacks.Attach(&response, operation, mqtt5);
            int rc = MQTTAsyncApi.MQTTAsync_sendMessage(client, topicPtr, &message, &response);
            operation.Token = response.token;
            return rc;
        }
    }

    /// <summary><c>MQTTAsync_subscribeMany</c>; a restored subscription asks for retained messages only if the broker had lost it.</summary>
    public void Subscribe(SubscribeOperation operation, IReadOnlyList<MqttSubscription> requested, MqttProperties? properties, bool restoring)
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

    /// <summary><c>MQTTAsync_unsubscribeMany</c>.</summary>
    public void Unsubscribe(UnsubscribeOperation operation, IReadOnlyList<string> filters, MqttProperties? properties)
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
            AsyncOperationCallbacks.Attach(&response, operation, mqtt5);
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

    /// <summary>Before the native call that starts an operation.</summary>
    public static void BeginOperation(AsyncOperation operation) => operation.HoldPahoWait();

    /// <summary>After the native call: paho's refusal fails the operation at once; otherwise paho's completion will.</summary>
    /// <returns>Whether paho took the command.</returns>
    public bool EndOperation(AsyncOperation operation, int returnCode)
    {
        if (returnCode == MQTTAsyncConstants.MQTTASYNC_SUCCESS)
            return true;
        operation.Abandon(returnCode == MQTTAsyncConstants.MQTTASYNC_DISCONNECTED && operation.Name is "publish" or "subscribe" or "unsubscribe"
            ? NotConnected(operation.Name)
            : MqttException.FromAsync(returnCode, operation.Name));
        return false;
    }

    /// <summary>The native call threw before paho took the command.</summary>
    public static void FailOperation(AsyncOperation operation, Exception error) => operation.Abandon(error);

    /// <summary>The native call threw before paho took the command, and the exception goes to the caller: the operation's task is not the caller's.</summary>
    private static void FailOperationThrown(AsyncOperation operation, Exception error) => operation.AbandonThrown(error);

    /// <summary>paho's <see cref="MqttAsyncReturnCode.Disconnected"/> refusal, said with what the caller can do.</summary>
    private MqttException NotConnected(string operation) =>
        MqttException.NotConnected(operation, async: true,
            connection.IsConnecting ? "the client is still connecting: await ConnectAsync first (or set MqttClientOptions.OfflineBuffer to publish meanwhile)"
            : connection.EverConnected ? "the client is not connected: its connection ended (ConnectionLost tells when and why); call ConnectAsync again, or set ConnectOptions.Reconnect"
            : "the client is not connected yet: call ConnectAsync first (or set MqttClientOptions.OfflineBuffer to publish before the connection)");
}

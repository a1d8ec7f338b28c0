using System.Threading.Channels;

namespace PahoSharp.Tests.Mqtt5;

/// <summary>The MQTT 5 operations both clients have, so that one test checks both: "sync" is <see cref="MqttClient"/>, "async" <see cref="MqttAsyncClient"/>.</summary>
internal sealed class EitherClient : IAsyncDisposable
{
    private readonly MqttClient? sync;
    private readonly MqttAsyncClient? async;
    private readonly Channel<MqttMessage> received = Channel.CreateUnbounded<MqttMessage>();

    public EitherClient(string kind, string serverUri, string clientId)
        : this(kind, new MqttClientOptions { ServerUri = serverUri, ClientId = clientId, Version = MqttVersion.V5 })
    {
    }

    /// <summary>A client created from <paramref name="options"/>; its version is the options' (MQTT 5 unless they say otherwise).</summary>
    public EitherClient(string kind, MqttClientOptions options)
    {
        if (kind == "sync")
        {
            sync = new MqttClient(options);
            sync.MessageReceived += (_, e) => received.Writer.TryWrite(e.Message);
            sync.ConnectionLost += (_, e) => Lost.TrySetResult(e);
        }
        else
        {
            async = new MqttAsyncClient(options);
            async.MessageReceived += (_, e) => received.Writer.TryWrite(e.Message);
            async.ConnectionLost += (_, e) => Lost.TrySetResult(e);
        }
        Version = options.Version;
        ClientId = options.ClientId;
    }

    public MqttVersion Version { get; }

    public string ClientId { get; }

    /// <summary>A normal DISCONNECT, in any MQTT version.</summary>
    public Task DisconnectAsync() =>
        sync is not null ? Task.Run(() => sync.Disconnect(TimeSpan.FromSeconds(5))) : async!.DisconnectAsync(TimeSpan.FromSeconds(5));

    public long DroppedMessages => sync?.DroppedMessages ?? async!.DroppedMessages;

    /// <summary>Adds a handler of received messages, ahead of none other than this wrapper's own.</summary>
    public void OnMessage(EventHandler<MqttMessageReceivedEventArgs> handler)
    {
        if (sync is not null)
            sync.MessageReceived += handler;
        else
            async!.MessageReceived += handler;
    }

    public TaskCompletionSource<ConnectionLostEventArgs> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<MqttConnectResult> ConnectAsync(ConnectOptions options)
    {
        return sync is not null ? Task.Run(() => sync.Connect(options)) : async!.ConnectAsync(options);
    }

    public ValueTask<MqttPublishResult> PublishAsync(string topic, string payload, MqttQos qos, MqttProperties? properties, bool retained = false) =>
        sync is not null
            ? sync.PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos, retained, properties)
            : async!.PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos, retained, properties);

    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, MqttProperties? properties, bool retained = false) =>
        sync is not null
            ? sync.PublishAsync(topic, payload, qos, retained, properties)
            : async!.PublishAsync(topic, payload, qos, retained, properties);

    public Task<IReadOnlyList<MqttSubscribeResult>> SubscribeAsync(IEnumerable<MqttSubscription> subscriptions, MqttProperties? properties = null) =>
        sync is not null ? Task.Run(() => sync.Subscribe(subscriptions, properties)) : async!.SubscribeAsync(subscriptions, properties);

    /// <summary>One filter through each client's single-filter call, which throws on a refusal.</summary>
    public Task<MqttSubscribeResult> SubscribeAsync(MqttSubscription subscription) =>
        sync is not null ? Task.Run(() => sync.Subscribe(subscription)) : async!.SubscribeAsync(subscription);

    public Task<MqttReasonCode> UnsubscribeAsync(string filter, MqttProperties? properties) =>
        sync is not null ? Task.Run(() => sync.Unsubscribe(filter, properties)) : async!.UnsubscribeAsync(filter, properties);

    public Task DisconnectAsync(MqttReasonCode reason, MqttProperties? properties) =>
        sync is not null ? Task.Run(() => sync.Disconnect(TimeSpan.FromSeconds(5), reason, properties)) : async!.DisconnectAsync(TimeSpan.FromSeconds(5), reason, properties);

    /// <summary>
    /// Ends the connection so that the broker publishes the will. <see cref="MqttClient"/> aborts it
    /// without DISCONNECT, as a crash would; paho's MQTTAsync has no such call (its destroy sends
    /// DISCONNECT), so <see cref="MqttAsyncClient"/> sends DISCONNECT with reason code 0x04,
    /// Disconnect with Will Message.
    /// </summary>
    public Task EndSoTheWillIsPublishedAsync()
    {
        if (sync is not null)
            return sync.AbortConnection() ? Task.CompletedTask : throw new InvalidOperationException("MqttClient had no connection to abort.");
        return async!.DisconnectAsync(TimeSpan.FromSeconds(5), MqttReasonCode.DisconnectWithWillMessage);
    }

    /// <summary>The next message this client received, or a <see cref="TimeoutException"/>.</summary>
    public async Task<MqttMessage> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No message within {timeout.TotalSeconds} s.");
        }
    }

    /// <summary>Whether a message arrives within <paramref name="window"/> (time is what is under test).</summary>
    public async Task<bool> AnyWithinAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await received.Reader.WaitToReadAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        sync?.Dispose();
        async?.Dispose();
        return ValueTask.CompletedTask;
    }
}

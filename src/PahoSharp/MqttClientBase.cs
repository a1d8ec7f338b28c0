using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>
/// What <see cref="MqttClient"/> and <see cref="MqttAsyncClient"/> share, whichever paho engine runs
/// under them: the broker and identity they were created with, whether they are connected, and the
/// messages they receive (the <see cref="MessageReceived"/> event, handlers per topic filter,
/// streams), raised on a dispatcher of the client's, never on paho's threads. Code that only receives
/// can take either client as this type.
/// </summary>
public abstract class MqttClientBase : IDisposable
{
    private protected MqttClientBase(MqttClientOptions options)
    {
        ServerUri = options.ServerUri;
        ClientId = options.ClientId;
        Version = options.Version;
    }

    /// <summary>A message arrived on a subscription. Raised on the client's dispatcher, in arrival order.</summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived
    {
        add => Core.MessageReceived += value;
        remove => Core.MessageReceived -= value;
    }

    /// <summary>
    /// The connection ended without the caller's disconnect (the broker went, the network broke, the broker
    /// sent DISCONNECT); <see cref="MqttAsyncClient"/> then reconnects if its <see cref="ConnectOptions.Reconnect"/>
    /// says so. Raised on the client's dispatcher.
    /// </summary>
    public event EventHandler<ConnectionLostEventArgs>? ConnectionLost
    {
        add => Core.ConnectionLost += value;
        remove => Core.ConnectionLost -= value;
    }

    /// <summary>The broker URI the client was created with.</summary>
    public string ServerUri { get; }

    /// <summary>The client identifier.</summary>
    public string ClientId { get; }

    /// <summary>The MQTT version the client was created for, which every connect speaks.</summary>
    public MqttVersion Version { get; }

    /// <summary>Whether the client is connected now (false once disposed).</summary>
    public abstract bool IsConnected { get; }

    /// <summary>Received messages dropped because the receive buffer was full (<see cref="ReceiveBufferFullMode.DropNewest"/>).</summary>
    public long DroppedMessages => Core.Dispatcher.Dropped;

    /// <summary>The engine's part that both clients share: dispatch, handlers, readers, the disposed flag.</summary>
    private protected abstract ClientCore Core { get; }

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
    public IDisposable AddMessageHandler(string topicFilter, Func<MqttMessage, CancellationToken, ValueTask> handler) =>
        Core.AddMessageHandler(topicFilter, handler);

    /// <summary>
    /// The messages received from this call on, until the client is disposed or
    /// <paramref name="cancellationToken"/> fires. The stream buffers from the call, not from the
    /// first read, so nothing that arrives in between is missed; it holds at most the receive buffer's
    /// capacity, and a full stream applies the client's <see cref="ReceiveBufferFullMode"/>. Enumerate
    /// it to the end or cancel it.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    public IAsyncEnumerable<MqttMessage> ReadMessagesAsync(CancellationToken cancellationToken = default) =>
        Core.ReadMessages(cancellationToken);

    /// <summary>Destroys the client: see each client's own <c>Dispose</c> for what its paho engine does.</summary>
    public abstract void Dispose();
}

using System.Threading.Channels;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// An independent MQTT 5 subscriber, written from the MQTT 5.0 specification over a plain socket,
/// so that what paho or PahoSharp publish with MQTT 5 (properties included) is checked by a client
/// that shares no code with them. It subscribes with any subscription options and a subscription
/// identifier, acknowledges QoS 1 and 2 deliveries, resolves the topic aliases the broker uses
/// toward it, and records every PUBLISH it receives, a redelivery included, with its exact property
/// bytes. It can publish too, since No Local needs the subscribing connection to be the publisher.
/// </summary>
public sealed class Mqtt5TestSubscriber : IAsyncDisposable
{
    private readonly Mqtt5Connection connection;
    private readonly List<Mqtt5SubAck> subAcks = [];

    private Mqtt5TestSubscriber(Mqtt5Connection connection) => this.connection = connection;

    /// <summary>The bound of every wait unless told otherwise (or <see cref="Mqtt5ConnectOptions.Timeout"/>).</summary>
    public static TimeSpan DefaultTimeout => Mqtt5Connection.DefaultTimeout;

    /// <summary>The client identifier: the one sent, or the one the broker assigned.</summary>
    public string ClientId => connection.ClientId;

    /// <summary>The broker's CONNACK: reason code, Session Present, properties.</summary>
    public Mqtt5ConnAck ConnAck => connection.ConnAck;

    /// <summary>Every SUBACK so far, in order.</summary>
    public IReadOnlyList<Mqtt5SubAck> SubAcks
    {
        get
        {
            lock (subAcks)
                return [.. subAcks];
        }
    }

    /// <summary>The DISCONNECT the broker sent, if it sent one (it then closes the connection).</summary>
    public Mqtt5Disconnect? ServerDisconnect => connection.ServerDisconnect;

    /// <summary>Packets from the broker that nothing waited for (an acknowledgement of an unknown packet identifier, an AUTH, a second CONNACK).</summary>
    public IReadOnlyList<MqttPacket> UnexpectedPackets => connection.UnexpectedPackets;

    /// <summary>
    /// Connects with MQTT 5 (no CONNECT properties) and subscribes to each filter at QoS 2, one
    /// SUBSCRIBE each; throws if the broker refuses any of them.
    /// </summary>
    public static async Task<Mqtt5TestSubscriber> ConnectAsync(int port, params string[] topicFilters)
    {
        Mqtt5TestSubscriber subscriber = await ConnectAsync(port, new Mqtt5ConnectOptions());
        try
        {
            foreach (string filter in topicFilters)
            {
                Mqtt5SubAck subAck = await subscriber.SubscribeAsync(new Mqtt5Subscription(filter));
                if (subAck.ReasonCodes[0] > 2)
                    throw new IOException($"Subscription to \"{filter}\" failed: {subAck}");
            }
            return subscriber;
        }
        catch
        {
            await subscriber.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Connects to the broker on 127.0.0.1:<paramref name="port"/> with <paramref name="options"/>;
    /// returns once the CONNACK accepted it (<see cref="Mqtt5ConnectRefusedException"/> if it refused).
    /// </summary>
    public static async Task<Mqtt5TestSubscriber> ConnectAsync(int port, Mqtt5ConnectOptions options) =>
        new(await Mqtt5Connection.OpenAsync(port, options));

    /// <summary>Subscribes to one filter; returns the SUBACK, refusals included (a test looks at its reason code).</summary>
    public Task<Mqtt5SubAck> SubscribeAsync(Mqtt5Subscription subscription, uint? subscriptionIdentifier = null, TimeSpan? timeout = null) =>
        SubscribeAsync([subscription], subscriptionIdentifier, null, timeout);

    /// <summary>
    /// One SUBSCRIBE of every filter in <paramref name="subscriptions"/>, with a Subscription
    /// Identifier when one is given (written first) and any further <paramref name="properties"/>
    /// (User Properties, say). Returns the SUBACK, one reason code per filter.
    /// </summary>
    public async Task<Mqtt5SubAck> SubscribeAsync(IReadOnlyList<Mqtt5Subscription> subscriptions, uint? subscriptionIdentifier = null,
        Mqtt5Properties? properties = null, TimeSpan? timeout = null)
    {
        Mqtt5SubAck subAck = await connection.SubscribeAsync(subscriptions, subscriptionIdentifier, properties, timeout);
        lock (subAcks)
            subAcks.Add(subAck);
        return subAck;
    }

    /// <summary>One UNSUBSCRIBE of every filter; returns the UNSUBACK, one reason code per filter.</summary>
    public Task<Mqtt5SubAck> UnsubscribeAsync(params string[] topicFilters) => connection.UnsubscribeAsync(topicFilters, null, null);

    /// <summary>Publishes from this connection (for No Local, say); see <see cref="Mqtt5TestPublisher.PublishAsync"/>.</summary>
    public Task<Mqtt5PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos = 0, bool retain = false,
        Mqtt5Properties? properties = null, TimeSpan? timeout = null) =>
        connection.PublishAsync(topic, payload, qos, retain, properties, timeout);

    /// <summary>The next message, or a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<Mqtt5ReceivedMessage> NextAsync(TimeSpan? timeout = null)
    {
        TimeSpan wait = timeout ?? connection.Timeout;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await connection.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The MQTT 5 test subscriber received no message within {wait.TotalSeconds} s.");
        }
        catch (ChannelClosedException e)
        {
            throw new IOException(e.InnerException?.Message ?? "The MQTT 5 test subscriber was disposed.", e.InnerException);
        }
    }

    /// <summary>Collects exactly <paramref name="count"/> messages, or a <see cref="TimeoutException"/> saying how many came.</summary>
    public async Task<List<Mqtt5ReceivedMessage>> CollectAsync(int count, TimeSpan? timeout = null)
    {
        TimeSpan wait = timeout ?? connection.Timeout;
        var received = new List<Mqtt5ReceivedMessage>(count);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (received.Count < count)
                received.Add(await connection.Messages.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The MQTT 5 test subscriber received {received.Count} of {count} messages within {wait.TotalSeconds} s.");
        }
        catch (ChannelClosedException e)
        {
            throw new IOException($"After {received.Count} of {count} messages: {e.InnerException?.Message ?? "the subscriber was disposed."}", e.InnerException);
        }
        return received;
    }

    /// <summary>Everything that arrives during <paramref name="window"/> (time is what is under test here); stops early if the connection ends.</summary>
    public async Task<List<Mqtt5ReceivedMessage>> DrainAsync(TimeSpan window)
    {
        var received = new List<Mqtt5ReceivedMessage>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true)
                received.Add(await connection.Messages.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
        return received;
    }

    /// <summary>
    /// Waits until the connection ends; returns the broker's DISCONNECT, or null when it closed
    /// without one. A <see cref="TimeoutException"/> when it is still open after <paramref name="timeout"/>.
    /// </summary>
    public Task<Mqtt5Disconnect?> WaitForCloseAsync(TimeSpan? timeout = null) => connection.WaitForCloseAsync(timeout);

    /// <summary>Writes <paramref name="packet"/> as it is: for what the typed methods will not send.</summary>
    public Task SendAsync(byte[] packet) => connection.SendAsync(packet, null);

    /// <summary>Sends a DISCONNECT with <paramref name="reasonCode"/> (0x04 asks the broker to publish the will) and closes.</summary>
    public Task DisconnectAsync(byte reasonCode = 0, Mqtt5Properties? properties = null) => connection.DisconnectAsync(reasonCode, properties, null);

    /// <summary>Sends a normal DISCONNECT if still connected, and closes.</summary>
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// An independent MQTT 5 publisher, written from the MQTT 5.0 specification over a plain socket,
/// for inbound tests: it publishes PUBLISH packets with whatever properties a test gives it (every
/// publication property, the same User Property name repeated, a topic alias, ...) at QoS 0, 1 or
/// 2, completes the acknowledgement flows and returns the broker's answers.
/// </summary>
public sealed class Mqtt5TestPublisher : IAsyncDisposable
{
    private readonly Mqtt5Connection connection;

    private Mqtt5TestPublisher(Mqtt5Connection connection) => this.connection = connection;

    /// <summary>The client identifier: the one sent, or the one the broker assigned.</summary>
    public string ClientId => connection.ClientId;

    /// <summary>The broker's CONNACK: reason code, Session Present, properties (its Topic Alias Maximum bounds the aliases this publisher may use).</summary>
    public Mqtt5ConnAck ConnAck => connection.ConnAck;

    /// <summary>The DISCONNECT the broker sent, if it sent one (after a Protocol Error of ours, say).</summary>
    public Mqtt5Disconnect? ServerDisconnect => connection.ServerDisconnect;

    /// <summary>
    /// Connects to the broker on 127.0.0.1:<paramref name="port"/> (default options when
    /// <paramref name="options"/> is null); returns once the CONNACK accepted it
    /// (<see cref="Mqtt5ConnectRefusedException"/> if it refused).
    /// </summary>
    public static async Task<Mqtt5TestPublisher> ConnectAsync(int port, Mqtt5ConnectOptions? options = null) =>
        new(await Mqtt5Connection.OpenAsync(port, options ?? new Mqtt5ConnectOptions()));

    /// <summary>
    /// Publishes one message with <paramref name="properties"/> written exactly as given, in their
    /// order. QoS 0 returns once written; QoS 1 once the PUBACK came; QoS 2 once the PUBCOMP came
    /// (or a refusing PUBREC). A refusal is a reason code in the result, not an exception; a wrong
    /// answer (PUBACK to QoS 2) is a <see cref="Mqtt5ProtocolErrorException"/>. With a Topic Alias
    /// property, an empty <paramref name="topic"/> uses an alias set up earlier.
    /// </summary>
    public Task<Mqtt5PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos = 0, bool retain = false,
        Mqtt5Properties? properties = null, TimeSpan? timeout = null) =>
        connection.PublishAsync(topic, payload, qos, retain, properties, timeout);

    /// <summary>
    /// Waits until the connection ends; returns the broker's DISCONNECT, or null when it closed
    /// without one. A <see cref="TimeoutException"/> when it is still open after <paramref name="timeout"/>.
    /// </summary>
    public Task<Mqtt5Disconnect?> WaitForCloseAsync(TimeSpan? timeout = null) => connection.WaitForCloseAsync(timeout);

    /// <summary>Writes <paramref name="packet"/> as it is (a PUBLISH from <see cref="Mqtt5PacketWriter"/> with a chosen packet identifier, malformed bytes...).</summary>
    public Task SendAsync(byte[] packet) => connection.SendAsync(packet, null);

    /// <summary>Sends a DISCONNECT with <paramref name="reasonCode"/> (0x04 asks the broker to publish the will) and closes.</summary>
    public Task DisconnectAsync(byte reasonCode = 0, Mqtt5Properties? properties = null) => connection.DisconnectAsync(reasonCode, properties, null);

    /// <summary>Sends a normal DISCONNECT if still connected, and closes.</summary>
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

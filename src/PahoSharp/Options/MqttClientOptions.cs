using Microsoft.Extensions.Logging;

namespace PahoSharp;

/// <summary>
/// How a client is created: paho's <c>MQTTClient_create</c> (or <c>MQTTAsync_create</c>) arguments, and
/// the client's receive buffer. Used by <see cref="MqttClient"/> and <see cref="MqttAsyncClient"/>.
/// </summary>
public sealed class MqttClientOptions
{
    private int receiveBufferCapacity = 1000;

    /// <summary>The broker, for instance <c>tcp://127.0.0.1:1883</c> (<c>tcp</c>, <c>mqtt</c>, <c>ssl</c>, <c>mqtts</c>, <c>ws</c>, <c>wss</c>).</summary>
    public required string ServerUri { get; init; }

    /// <summary>The client identifier the broker knows this client by.</summary>
    public required string ClientId { get; init; }

    /// <summary>Where in-flight messages are kept; <see cref="ClientPersistence.None"/> by default.</summary>
    public ClientPersistence Persistence { get; init; } = ClientPersistence.None;

    /// <summary>
    /// The MQTT version, set here once: every connect speaks it. MQTT 3.1.1 by default;
    /// <see cref="MqttVersion.V5"/> for MQTT 5; <see cref="MqttVersion.Default"/> for paho's own default,
    /// MQTT 3.1.1 then 3.1 after any failure (a second attempt, which may take a connect timeout of its own).
    /// </summary>
    public MqttVersion Version { get; init; } = MqttVersion.V3_1_1;

    /// <summary>
    /// How many received messages may wait for the handlers of <see cref="MqttClientBase.MessageReceived"/>
    /// and each reader of <see cref="MqttClientBase.ReadMessagesAsync"/>; 1,000 by default.
    /// </summary>
    public int ReceiveBufferCapacity
    {
        get => receiveBufferCapacity;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            receiveBufferCapacity = value;
        }
    }

    /// <summary>What happens when a message arrives with the receive buffer full; <see cref="ReceiveBufferFullMode.Wait"/> by default.</summary>
    public ReceiveBufferFullMode ReceiveBufferFullMode { get; init; } = ReceiveBufferFullMode.Wait;

    /// <summary>
    /// Publishing while disconnected, or null (the default) to refuse it. <see cref="MqttAsyncClient"/>
    /// only: <see cref="MqttClient"/> refuses it, as paho's synchronous client has no such buffer.
    /// </summary>
    public OfflineBufferOptions? OfflineBuffer { get; init; }

    /// <summary>
    /// Where the client logs its lifecycle (connects, lost connections and their causes, reconnects,
    /// restored subscriptions, dropped messages, failing handlers), under the category of its class
    /// (<c>PahoSharp.MqttClient</c>, <c>PahoSharp.MqttAsyncClient</c>); null (the default) logs nothing.
    /// paho's own trace is process-wide: see <see cref="MqttTrace.Start(ILogger)"/>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}

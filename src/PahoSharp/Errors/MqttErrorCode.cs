namespace PahoSharp;

/// <summary>
/// What went wrong, in words a caller can act on, the same from <see cref="MqttClient"/> and
/// <see cref="MqttAsyncClient"/> (<see cref="MqttException.ErrorCode"/>). paho's raw code stays on the
/// exception for diagnosis (<see cref="MqttException.NativeCode"/>), and a broker's refusal keeps its
/// own code (<see cref="MqttException.ConnectReturnCode"/>, <see cref="MqttException.ReasonCode"/>).
/// </summary>
/// <remarks>
/// Every outcome of a publication has a code of its own; <see cref="Unspecified"/> is left only for
/// paho's generic failure on paths where paho says nothing more.
/// </remarks>
public enum MqttErrorCode
{
    /// <summary>paho reported its generic failure (-1) and nothing more is known; the message and the raw code say what paho said.</summary>
    Unspecified = 0,

    /// <summary>The client was not connected (and has no offline buffer): connect, or wait for the reconnect, and call again.</summary>
    NotConnected,

    /// <summary>
    /// The connection broke while the operation was written or before the broker acknowledged it, and paho
    /// gave it up: the broker may or may not have it. Publish again to be sure (a QoS 1 or 2 message that
    /// paho kept in its session is resent by paho itself and does not end this way).
    /// </summary>
    ConnectionLost,

    /// <summary>
    /// paho ended the operation unfinished because its session ended: a connect with a clean session
    /// discarded what the old session held, or the client was closed. The broker may or may not have it.
    /// </summary>
    SessionEnded,

    /// <summary>The broker refused: see <see cref="MqttException.ReasonCode"/> (MQTT 5) or <see cref="MqttException.ConnectReturnCode"/> (MQTT 3.1.1), or a subscription it did not grant.</summary>
    RefusedByBroker,

    /// <summary>The in-flight window (<see cref="ConnectOptions.MaxInflight"/>) is full: wait for acknowledgements, or widen the window.</summary>
    InflightWindowFull,

    /// <summary>The offline buffer (<see cref="OfflineBufferOptions.MaxMessages"/>) is full and refuses new messages: wait, or let it drop its oldest.</summary>
    BufferFull,

    /// <summary>The offline buffer was full and dropped this, its oldest message, to take a newer one (<see cref="OfflineBufferOptions.DeleteOldest"/>); it was never sent.</summary>
    DroppedFromBuffer,

    /// <summary>The persistence store failed to store or read the message (<see cref="MqttClientOptions.Persistence"/>).</summary>
    PersistenceFailed,

    /// <summary>
    /// The broker answered a QoS 2 publication with PUBACK, as for QoS 1 (RabbitMQ 3.10 does): it has the
    /// message, but not exactly once; publish at QoS 1 to such a broker.
    /// </summary>
    Qos2AnsweredWithPuback,

    /// <summary>An argument paho refused (a topic or string that is not valid UTF-8, a QoS, a structure, an option): see the message.</summary>
    InvalidArgument,

    /// <summary>A TLS URI with a paho built without TLS.</summary>
    TlsNotSupported,

    /// <summary>Every MQTT packet identifier is in use: wait for acknowledgements.</summary>
    NoMoreMessageIds,

    /// <summary>The broker's MQTT version is not the one asked for.</summary>
    WrongMqttVersion,

    /// <summary>paho ignored the command (a connect while one is under way, for instance).</summary>
    CommandIgnored,
}

using PahoSharp.Native;

namespace PahoSharp;

/// <summary>
/// paho.mqtt.c's <c>MQTTAsync</c> return codes, as <see cref="MqttAsyncClient"/> reports them in
/// <see cref="MqttException.NativeCode"/>. A code space of its own: -10, -11 and -13 mean other
/// things than in <see cref="MqttReturnCode"/> (<c>MQTTClient</c>'s).
/// </summary>
public enum MqttAsyncReturnCode
{
    /// <summary>No error.</summary>
    Success = MQTTAsyncConstants.MQTTASYNC_SUCCESS,

    /// <summary>A generic failure.</summary>
    Failure = MQTTAsyncConstants.MQTTASYNC_FAILURE,

    /// <summary>The persistence store failed.</summary>
    PersistenceError = MQTTAsyncConstants.MQTTASYNC_PERSISTENCE_ERROR,

    /// <summary>The client is not connected.</summary>
    Disconnected = MQTTAsyncConstants.MQTTASYNC_DISCONNECTED,

    /// <summary>The maximum number of messages in flight has been reached.</summary>
    MaxMessagesInflight = MQTTAsyncConstants.MQTTASYNC_MAX_MESSAGES_INFLIGHT,

    /// <summary>A string is not valid UTF-8.</summary>
    BadUtf8String = MQTTAsyncConstants.MQTTASYNC_BAD_UTF8_STRING,

    /// <summary>A required parameter was null.</summary>
    NullParameter = MQTTAsyncConstants.MQTTASYNC_NULL_PARAMETER,

    /// <summary>A topic name contained a NUL character.</summary>
    TopicNameTruncated = MQTTAsyncConstants.MQTTASYNC_TOPICNAME_TRUNCATED,

    /// <summary>A structure's eyecatcher or version was wrong.</summary>
    BadStructure = MQTTAsyncConstants.MQTTASYNC_BAD_STRUCTURE,

    /// <summary>A QoS value outside 0 to 2.</summary>
    BadQos = MQTTAsyncConstants.MQTTASYNC_BAD_QOS,

    /// <summary>All 65,535 packet identifiers are in use.</summary>
    NoMoreMessageIds = MQTTAsyncConstants.MQTTASYNC_NO_MORE_MSGIDS,

    /// <summary>The operation was not completed: the session it belonged to was discarded (a clean session), or the client was destroyed.</summary>
    OperationIncomplete = MQTTAsyncConstants.MQTTASYNC_OPERATION_INCOMPLETE,

    /// <summary>No more messages can be buffered while disconnected.</summary>
    MaxBufferedMessages = MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED_MESSAGES,

    /// <summary>An SSL connection was asked of a library built without SSL.</summary>
    SslNotSupported = MQTTAsyncConstants.MQTTASYNC_SSL_NOT_SUPPORTED,

    /// <summary>The server URI's protocol prefix is not one paho knows.</summary>
    BadProtocol = MQTTAsyncConstants.MQTTASYNC_BAD_PROTOCOL,

    /// <summary>An option does not fit the MQTT version.</summary>
    BadMqttOption = MQTTAsyncConstants.MQTTASYNC_BAD_MQTT_OPTION,

    /// <summary>A call for another MQTT version than the client's.</summary>
    WrongMqttVersion = MQTTAsyncConstants.MQTTASYNC_WRONG_MQTT_VERSION,

    /// <summary>A will with a zero-length topic.</summary>
    ZeroLengthWillTopic = MQTTAsyncConstants.MQTTASYNC_0_LEN_WILL_TOPIC,

    /// <summary>The command was ignored: a connect or disconnect already under way.</summary>
    CommandIgnored = MQTTAsyncConstants.MQTTASYNC_COMMAND_IGNORED,

    /// <summary>maxBufferedMessages in the connect options must be 1 or more.</summary>
    MaxBuffered = MQTTAsyncConstants.MQTTASYNC_MAX_BUFFERED,
}

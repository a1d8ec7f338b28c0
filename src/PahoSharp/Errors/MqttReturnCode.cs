using PahoSharp.Native;

namespace PahoSharp;

/// <summary>
/// paho.mqtt.c's return codes: its own failures (negative), and the two broker answers that paho's
/// MQTT 3.1.1 calls return as they are: CONNACK refusals (1 to 5, also in
/// <see cref="MqttException.ConnectReturnCode"/>) and a refused subscription (0x80). MQTT 5 reason
/// codes are a separate space: <see cref="MqttReasonCode"/>.
/// </summary>
public enum MqttReturnCode
{
    /// <summary>No error.</summary>
    Success = MQTTClientConstants.MQTTCLIENT_SUCCESS,

    /// <summary>A generic failure, for instance a TCP connection that could not be made.</summary>
    Failure = MQTTClientConstants.MQTTCLIENT_FAILURE,

    /// <summary>The persistence store failed.</summary>
    PersistenceError = MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_ERROR,

    /// <summary>The client is not connected.</summary>
    Disconnected = MQTTClientConstants.MQTTCLIENT_DISCONNECTED,

    /// <summary>The maximum number of messages in flight has been reached.</summary>
    MaxMessagesInflight = MQTTClientConstants.MQTTCLIENT_MAX_MESSAGES_INFLIGHT,

    /// <summary>A string is not valid UTF-8.</summary>
    BadUtf8String = MQTTClientConstants.MQTTCLIENT_BAD_UTF8_STRING,

    /// <summary>A required parameter was null.</summary>
    NullParameter = MQTTClientConstants.MQTTCLIENT_NULL_PARAMETER,

    /// <summary>A topic name contained a NUL character and was truncated.</summary>
    TopicNameTruncated = MQTTClientConstants.MQTTCLIENT_TOPICNAME_TRUNCATED,

    /// <summary>A structure's eyecatcher or version was wrong.</summary>
    BadStructure = MQTTClientConstants.MQTTCLIENT_BAD_STRUCTURE,

    /// <summary>A QoS value outside 0 to 2.</summary>
    BadQos = MQTTClientConstants.MQTTCLIENT_BAD_QOS,

    /// <summary>An SSL connection was asked of a library built without SSL.</summary>
    SslNotSupported = MQTTClientConstants.MQTTCLIENT_SSL_NOT_SUPPORTED,

    /// <summary>An unknown MQTT version was asked for.</summary>
    BadMqttVersion = MQTTClientConstants.MQTTCLIENT_BAD_MQTT_VERSION,

    /// <summary>The server URI's protocol prefix is not one paho knows.</summary>
    BadProtocol = MQTTClientConstants.MQTTCLIENT_BAD_PROTOCOL,

    /// <summary>An option does not fit the MQTT version.</summary>
    BadMqttOption = MQTTClientConstants.MQTTCLIENT_BAD_MQTT_OPTION,

    /// <summary>A call for another MQTT version than the client's.</summary>
    WrongMqttVersion = MQTTClientConstants.MQTTCLIENT_WRONG_MQTT_VERSION,

    /// <summary>A will with a zero-length topic.</summary>
    ZeroLengthWillTopic = MQTTClientConstants.MQTTCLIENT_0_LEN_WILL_TOPIC,

    /// <summary>CONNACK 1: the broker does not support the requested protocol version.</summary>
    UnacceptableProtocolVersion = 1,

    /// <summary>CONNACK 2: the client identifier was rejected.</summary>
    IdentifierRejected = 2,

    /// <summary>CONNACK 3: the MQTT service is unavailable.</summary>
    ServerUnavailable = 3,

    /// <summary>CONNACK 4: bad user name or password.</summary>
    BadUserNameOrPassword = 4,

    /// <summary>CONNACK 5: the client is not authorised to connect.</summary>
    NotAuthorized = 5,

    /// <summary>The broker refused a subscription (granted QoS 0x80).</summary>
    BadSubscribe = MQTTClientConstants.MQTT_BAD_SUBSCRIBE,
}

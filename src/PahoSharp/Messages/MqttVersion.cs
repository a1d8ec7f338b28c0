using PahoSharp.Native;

namespace PahoSharp;

/// <summary>The MQTT protocol version a client speaks.</summary>
public enum MqttVersion
{
    /// <summary>
    /// paho's default: MQTT 3.1.1, then MQTT 3.1 after a failure of it, whatever the failure (a broker
    /// that closed the connection after CONNECT saw two connections from <see cref="MqttClient"/>). Not the
    /// default of PahoSharp's clients, which speak <see cref="V3_1_1"/> unless told otherwise.
    /// </summary>
    Default = MQTTClientConstants.MQTTVERSION_DEFAULT,

    /// <summary>MQTT 3.1.</summary>
    V3_1 = MQTTClientConstants.MQTTVERSION_3_1,

    /// <summary>MQTT 3.1.1.</summary>
    V3_1_1 = MQTTClientConstants.MQTTVERSION_3_1_1,

    /// <summary>MQTT 5 (the client must be created with this version too).</summary>
    V5 = MQTTClientConstants.MQTTVERSION_5,
}

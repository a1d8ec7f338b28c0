using PahoSharp.Native;

namespace PahoSharp;

/// <summary>The MQTT protocol version a client speaks.</summary>
public enum MqttVersion
{
    /// <summary>paho's default: MQTT 3.1.1, falling back to 3.1 if the broker refuses it.</summary>
    Default = MQTTClientConstants.MQTTVERSION_DEFAULT,

    /// <summary>MQTT 3.1.</summary>
    V3_1 = MQTTClientConstants.MQTTVERSION_3_1,

    /// <summary>MQTT 3.1.1.</summary>
    V3_1_1 = MQTTClientConstants.MQTTVERSION_3_1_1,

    /// <summary>MQTT 5 (the client must be created with this version too).</summary>
    V5 = MQTTClientConstants.MQTTVERSION_5,
}

namespace PahoSharp;

/// <summary>
/// A publication the broker accepted: for QoS 1 its PUBACK, for QoS 2 its PUBCOMP, for QoS 0 the
/// moment paho wrote it. A refusal is never a result: it is an <see cref="MqttException"/> with the
/// broker's <see cref="MqttException.ReasonCode"/>.
/// </summary>
/// <param name="MessageId">The MQTT packet identifier it went with; 0 for QoS 0.</param>
/// <param name="Qos">The QoS it was published with.</param>
/// <param name="ReasonCode">
/// The broker's MQTT 5 reason code: <see cref="MqttReasonCode.Success"/> or another success, such as
/// <see cref="MqttReasonCode.NoMatchingSubscribers"/>. <see cref="MqttReasonCode.Success"/> for MQTT
/// 3.1.1 and for QoS 0, which carry no reason code. Null where paho does not say:
/// <see cref="MqttAsyncClient"/> under MQTT 5 (paho's <c>MQTTAsync</c> passes no reason code with a
/// successful acknowledgement).
/// </param>
/// <param name="ReasonString">The broker's MQTT 5 reason string, when its acknowledgement carried one (<see cref="MqttClient"/> only).</param>
public readonly record struct MqttPublishResult(int MessageId, MqttQos Qos, MqttReasonCode? ReasonCode, string? ReasonString = null);

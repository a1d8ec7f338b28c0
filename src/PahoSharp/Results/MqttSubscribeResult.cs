namespace PahoSharp;

/// <summary>A subscription the broker granted.</summary>
/// <param name="TopicFilter">The filter subscribed to.</param>
/// <param name="RequestedQos">The QoS asked for.</param>
/// <param name="GrantedQos">The QoS the broker granted, which may be lower than <paramref name="RequestedQos"/>.</param>
/// <param name="ReasonCode">The MQTT 5 SUBACK reason code (the granted QoS as a reason code); for MQTT 3.1.1, the same value derived from the granted QoS.</param>
public readonly record struct MqttSubscribeResult(string TopicFilter, MqttQos RequestedQos, MqttQos GrantedQos, MqttReasonCode ReasonCode)
{
    /// <summary>Whether the broker granted less than asked for.</summary>
    public bool IsDowngraded => GrantedQos < RequestedQos;
}

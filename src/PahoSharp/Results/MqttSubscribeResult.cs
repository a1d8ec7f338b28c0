namespace PahoSharp;

/// <summary>The broker's answer to one filter of a subscription: granted (with a QoS), or refused (with a reason code of 0x80 or more).</summary>
/// <param name="TopicFilter">The filter subscribed to.</param>
/// <param name="RequestedQos">The QoS asked for.</param>
/// <param name="GrantedQos">The QoS the broker granted, which may be lower than <paramref name="RequestedQos"/>.</param>
/// <param name="ReasonCode">The MQTT 5 SUBACK reason code (the granted QoS as a reason code); for MQTT 3.1.1, SUBACK's return code read the same way (0, 1, 2, or 0x80 for a refusal).</param>
/// <param name="ReasonString">The MQTT 5 SUBACK's reason string, when it carried one.</param>
public readonly record struct MqttSubscribeResult(string TopicFilter, MqttQos RequestedQos, MqttQos GrantedQos, MqttReasonCode ReasonCode, string? ReasonString = null)
{
    /// <summary>Whether the broker granted the subscription (a reason code below 0x80).</summary>
    public bool IsGranted => (int)ReasonCode < 0x80;

    /// <summary>Whether the broker granted less than asked for.</summary>
    public bool IsDowngraded => IsGranted && GrantedQos < RequestedQos;
}

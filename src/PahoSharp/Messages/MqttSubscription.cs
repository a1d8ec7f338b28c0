namespace PahoSharp;

/// <summary>
/// A topic filter, the highest QoS to receive it with, and the MQTT 5 subscribe options. A shared
/// subscription is a filter of the form <c>$share/GROUP/FILTER</c>: the broker hands each message to
/// one subscriber of the group.
/// </summary>
/// <param name="TopicFilter">The filter; <c>+</c> and <c>#</c> allowed as whole levels.</param>
/// <param name="Qos">The highest QoS to receive with.</param>
public readonly record struct MqttSubscription(string TopicFilter, MqttQos Qos)
{
    /// <summary>MQTT 5: the broker does not send this client its own publications (not allowed on a shared subscription).</summary>
    public bool NoLocal { get; init; }

    /// <summary>MQTT 5: messages keep the retain flag they were published with.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>MQTT 5: whether retained messages are sent when the subscription is made.</summary>
    public MqttRetainHandling RetainHandling { get; init; }

    /// <summary>Whether any MQTT 5 subscribe option differs from the default.</summary>
    internal bool HasOptions => NoLocal || RetainAsPublished || RetainHandling != MqttRetainHandling.SendAtSubscribe;
}

namespace PahoSharp;

/// <summary>The MQTT quality of service of a publication or subscription.</summary>
public enum MqttQos
{
    /// <summary>QoS 0: delivered at most once, never acknowledged.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: delivered at least once, acknowledged by PUBACK.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: delivered exactly once, by the PUBREC/PUBREL/PUBCOMP exchange.</summary>
    ExactlyOnce = 2,
}

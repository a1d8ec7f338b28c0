namespace PahoSharp;

/// <summary>The MQTT 5 payload format indicator.</summary>
public enum MqttPayloadFormat
{
    /// <summary>0: unspecified bytes.</summary>
    Unspecified = 0,

    /// <summary>1: UTF-8 encoded character data.</summary>
    Utf8 = 1,
}

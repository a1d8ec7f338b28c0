using System.Text;

namespace PahoSharp;

/// <summary>A message the client received on a subscription.</summary>
public sealed class MqttMessage
{
    internal MqttMessage(string topic, byte[] payload, MqttQos qos, bool retained, bool duplicate, MqttProperties? properties = null)
    {
        Properties = properties;
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retained = retained;
        Duplicate = duplicate;
    }

    /// <summary>The topic it was published on.</summary>
    public string Topic { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The payload as UTF-8 text.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>The QoS it was delivered with.</summary>
    public MqttQos Qos { get; }

    /// <summary>Whether it came from the broker's retained store.</summary>
    public bool Retained { get; }

    /// <summary>Whether the broker marked it as a possible re-delivery.</summary>
    public bool Duplicate { get; }

    /// <summary>Its MQTT 5 publication properties (user properties, content type, response topic, correlation data, subscription identifiers, ...); null when it had none.</summary>
    public MqttProperties? Properties { get; }
}

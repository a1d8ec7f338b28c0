using System.Text;
using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>
/// The last will: what the broker publishes for this client when its connection ends without a
/// DISCONNECT. The payload always goes to paho as binary data, so any bytes (a NUL among them) survive.
/// </summary>
public sealed class WillOptions
{
    private string topic = "";
    private byte[] payload = [];
    private MqttQos qos;

    /// <summary>A will with a text payload, sent as its UTF-8 bytes.</summary>
    public WillOptions(string topic, string payload)
        : this(topic, MqttText.EncodePayload(payload, nameof(payload)))
    {
    }

    /// <summary>A will with a binary payload.</summary>
    public WillOptions(string topic, ReadOnlySpan<byte> payload)
    {
        MqttText.CheckTopicName(topic, nameof(topic));
        MqttText.CheckPayloadLength(payload.Length, nameof(payload));
        this.topic = topic;
        this.payload = payload.ToArray();
    }

    /// <summary>The topic the will is published on: not empty, no wildcard.</summary>
    public string Topic
    {
        get => topic;
        set
        {
            MqttText.CheckTopicName(value, nameof(value));
            topic = value;
        }
    }

    /// <summary>The will's payload bytes (a copy is kept).</summary>
    public ReadOnlyMemory<byte> Payload
    {
        get => payload;
        set
        {
            MqttText.CheckPayloadLength(value.Length, nameof(value));
            payload = value.ToArray();
        }
    }

    /// <summary>The payload as UTF-8 text.</summary>
    public string PayloadText => Encoding.UTF8.GetString(payload);

    /// <summary>The QoS the broker publishes the will with.</summary>
    public MqttQos Qos
    {
        get => qos;
        set
        {
            Check.Qos(value, nameof(value));
            qos = value;
        }
    }

    /// <summary>Whether the broker retains the will when it publishes it.</summary>
    public bool Retained { get; set; }

    /// <summary>MQTT 5 will properties (will delay, message expiry, content type, response topic, correlation data, payload format, user properties), or null.</summary>
    public MqttProperties? Properties { get; set; }
}

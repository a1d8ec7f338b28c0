using System.Text;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A PUBLISH exactly as it came off the wire, decoded the MQTT 5 way: the topic name as sent (empty
/// when a topic alias stands for it), the packet identifier, the properties (raw bytes kept) and the
/// payload. Resolving a topic alias needs the connection's state: see <see cref="Mqtt5ReceivedMessage"/>.
/// </summary>
public sealed record Mqtt5Publish(byte[] TopicName, int Qos, bool Retain, bool Duplicate, ushort? PacketId, Mqtt5Properties Properties, byte[] Payload, MqttPacket Packet)
{
    /// <summary>Decodes <paramref name="packet"/>; anything else than a well-formed MQTT 5 PUBLISH throws <see cref="InvalidDataException"/>.</summary>
    public static Mqtt5Publish Parse(MqttPacket packet)
    {
        if (packet.Type != MqttPacketType.Publish)
            throw new InvalidDataException($"Expected PUBLISH, got {packet}");
        int qos = (packet.Flags >> 1) & 3;
        bool duplicate = (packet.Flags & 8) != 0;
        if (qos == 3)
            throw new InvalidDataException($"Malformed PUBLISH: both QoS bits set. {packet}");
        if (qos == 0 && duplicate)
            throw new InvalidDataException($"Malformed PUBLISH: DUP set on a QoS 0 message ([MQTT-3.3.1-2]). {packet}");
        ReadOnlySpan<byte> body = packet.Body.Span;
        int offset = 0;
        // A topic name is a UTF-8 Encoded String (checked as such), kept as the bytes that were sent.
        string topicText = Mqtt5Wire.ReadUtf8String(body, ref offset);
        byte[] topic = body[2..offset].ToArray();
        if (topicText.AsSpan().IndexOfAny('+', '#') >= 0)
            throw new InvalidDataException($"Malformed PUBLISH: wildcard in the topic name \"{topicText}\" ([MQTT-3.3.2-2]). {packet}");
        ushort? packetId = qos > 0 ? Mqtt5Wire.ReadTwoByteInteger(body, ref offset) : null;
        if (packetId == 0)
            throw new InvalidDataException($"Malformed PUBLISH: packet identifier 0. {packet}");
        Mqtt5Properties properties = Mqtt5Properties.Read(body, ref offset);
        return new Mqtt5Publish(topic, qos, (packet.Flags & 1) != 0, duplicate, packetId, properties, body[offset..].ToArray(), packet);
    }

    /// <summary>The topic name as sent, as text (empty when only a topic alias was sent).</summary>
    public string TopicNameText => Encoding.UTF8.GetString(TopicName);

    /// <inheritdoc/>
    public override string ToString() =>
        $"PUBLISH q{Qos}{(Retain ? " retain" : "")}{(Duplicate ? " dup" : "")}{(PacketId is { } id ? $" id={id}" : "")} topic=\"{TopicNameText}\" payload={MqttPacket.Describe(Payload)} {Properties}";
}

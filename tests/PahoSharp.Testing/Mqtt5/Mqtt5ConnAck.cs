using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>A CONNACK as an MQTT 5 client decodes it: Session Present, the reason code, the properties.</summary>
public sealed record Mqtt5ConnAck(bool SessionPresent, byte ReasonCode, Mqtt5Properties Properties, MqttPacket Packet)
{
    /// <summary>Decodes <paramref name="packet"/>; anything but a well-formed MQTT 5 CONNACK throws <see cref="InvalidDataException"/>.</summary>
    public static Mqtt5ConnAck Parse(MqttPacket packet)
    {
        Mqtt5PacketChecks.Expect(packet, MqttPacketType.ConnAck, 0);
        ReadOnlySpan<byte> body = packet.Body.Span;
        if (body.Length < 3)
            throw new InvalidDataException($"Malformed CONNACK: {body.Length} byte(s) after the fixed header; MQTT 5 has at least flags, reason code and property length. {packet}");
        if ((body[0] & 0xFE) != 0)
            throw new InvalidDataException($"Malformed CONNACK: reserved acknowledge flag bits set (0x{body[0]:X2}). {packet}");
        int offset = 2;
        Mqtt5Properties properties = Mqtt5Properties.Read(body, ref offset);
        Mqtt5PacketChecks.ExpectEnd(packet, offset);
        return new Mqtt5ConnAck((body[0] & 1) != 0, body[1], properties, packet);
    }

    /// <inheritdoc/>
    public override string ToString() => $"CONNACK reason 0x{ReasonCode:X2}{(SessionPresent ? " session present" : "")} {Properties}";
}

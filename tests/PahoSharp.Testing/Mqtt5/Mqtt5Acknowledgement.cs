using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A PUBACK, PUBREC, PUBREL or PUBCOMP as MQTT 5 decodes it. The short forms are read as the
/// specification says: no reason code means 0x00 (Success), no property length means no properties;
/// <see cref="Packet"/> keeps which form was sent.
/// </summary>
public sealed record Mqtt5Acknowledgement(MqttPacketType Type, ushort PacketId, byte ReasonCode, Mqtt5Properties Properties, MqttPacket Packet)
{
    /// <summary>Decodes <paramref name="packet"/>; anything else than a well-formed acknowledgement throws <see cref="InvalidDataException"/>.</summary>
    public static Mqtt5Acknowledgement Parse(MqttPacket packet)
    {
        if (packet.Type is not (MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp))
            throw new InvalidDataException($"Expected PUBACK, PUBREC, PUBREL or PUBCOMP, got {packet}");
        Mqtt5PacketChecks.Expect(packet, packet.Type, packet.Type == MqttPacketType.PubRel ? (byte)2 : (byte)0);
        ReadOnlySpan<byte> body = packet.Body.Span;
        int offset = 0;
        ushort packetId = Mqtt5Wire.ReadTwoByteInteger(body, ref offset);
        byte reasonCode = 0;
        Mqtt5Properties properties = Mqtt5Properties.Empty;
        if (offset < body.Length)
            reasonCode = body[offset++];
        if (offset < body.Length)
            properties = Mqtt5Properties.Read(body, ref offset);
        Mqtt5PacketChecks.ExpectEnd(packet, offset);
        return new Mqtt5Acknowledgement(packet.Type, packetId, reasonCode, properties, packet);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Type.ToString().ToUpperInvariant()} id={PacketId} reason 0x{ReasonCode:X2} {Properties}";
}

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A SUBACK or UNSUBACK as MQTT 5 decodes it: the packet identifier, the properties, and one reason
/// code per topic filter of the request, in its order (for SUBACK 0x00 to 0x02 are the granted QoS).
/// </summary>
public sealed record Mqtt5SubAck(MqttPacketType Type, ushort PacketId, Mqtt5Properties Properties, IReadOnlyList<byte> ReasonCodes, MqttPacket Packet)
{
    /// <summary>Decodes <paramref name="packet"/>; anything else than a well-formed SUBACK or UNSUBACK throws <see cref="InvalidDataException"/>.</summary>
    public static Mqtt5SubAck Parse(MqttPacket packet)
    {
        if (packet.Type is not (MqttPacketType.SubAck or MqttPacketType.UnsubAck))
            throw new InvalidDataException($"Expected SUBACK or UNSUBACK, got {packet}");
        Mqtt5PacketChecks.Expect(packet, packet.Type, 0);
        ReadOnlySpan<byte> body = packet.Body.Span;
        int offset = 0;
        ushort packetId = Mqtt5Wire.ReadTwoByteInteger(body, ref offset);
        Mqtt5Properties properties = Mqtt5Properties.Read(body, ref offset);
        if (offset == body.Length)
            throw new InvalidDataException($"Malformed {packet.Type}: no reason code. {packet}");
        return new Mqtt5SubAck(packet.Type, packetId, properties, body[offset..].ToArray(), packet);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Type.ToString().ToUpperInvariant()} id={PacketId} reasons [{string.Join(", ", ReasonCodes.Select(c => $"0x{c:X2}"))}] {Properties}";
}

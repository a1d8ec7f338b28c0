using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A DISCONNECT as MQTT 5 decodes it: the reason code (0x00, Normal disconnection, when the packet
/// has none) and the properties (Reason String, Server Reference, Session Expiry Interval, ...).
/// </summary>
public sealed record Mqtt5Disconnect(byte ReasonCode, Mqtt5Properties Properties, MqttPacket Packet)
{
    /// <summary>Decodes <paramref name="packet"/>; anything else than a well-formed DISCONNECT throws <see cref="InvalidDataException"/>.</summary>
    public static Mqtt5Disconnect Parse(MqttPacket packet)
    {
        Mqtt5PacketChecks.Expect(packet, MqttPacketType.Disconnect, 0);
        ReadOnlySpan<byte> body = packet.Body.Span;
        int offset = 0;
        byte reasonCode = 0;
        Mqtt5Properties properties = Mqtt5Properties.Empty;
        if (offset < body.Length)
            reasonCode = body[offset++];
        if (offset < body.Length)
            properties = Mqtt5Properties.Read(body, ref offset);
        Mqtt5PacketChecks.ExpectEnd(packet, offset);
        return new Mqtt5Disconnect(reasonCode, properties, packet);
    }

    /// <inheritdoc/>
    public override string ToString() => $"DISCONNECT reason 0x{ReasonCode:X2} {Properties}";
}

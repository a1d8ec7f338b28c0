using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>The checks every MQTT 5 packet decoder makes: the packet type, the fixed header's flags, nothing left over.</summary>
internal static class Mqtt5PacketChecks
{
    public static void Expect(MqttPacket packet, MqttPacketType type, byte flags)
    {
        if (packet.Type != type)
            throw new InvalidDataException($"Expected {type}, got {packet}");
        if (packet.Flags != flags)
            throw new InvalidDataException($"Malformed {type}: fixed header flags 0x{packet.Flags:X} instead of 0x{flags:X}. {packet}");
    }

    public static void ExpectEnd(MqttPacket packet, int offset)
    {
        if (offset != packet.Body.Length)
            throw new InvalidDataException($"Malformed {packet.Type}: {packet.Body.Length - offset} byte(s) after its last field. {packet}");
    }
}

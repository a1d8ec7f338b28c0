using System.Text;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A CONNECT as a server decodes it (MQTT 5.0, section 3.1), so that a test can see exactly what a
/// client under test sent: the connect flags, the keep alive, the CONNECT properties and the will
/// properties with their raw bytes, the client identifier, the will, the credentials.
/// </summary>
public sealed record Mqtt5Connect(
    byte Flags,
    ushort KeepAliveSeconds,
    Mqtt5Properties Properties,
    string ClientId,
    Mqtt5Properties? WillProperties,
    string? WillTopic,
    byte[]? WillPayload,
    string? UserName,
    byte[]? Password,
    MqttPacket Packet)
{
    /// <summary>Clean Start (flag 0x02).</summary>
    public bool CleanStart => (Flags & 0x02) != 0;

    /// <summary>Whether a will is present (flag 0x04).</summary>
    public bool HasWill => (Flags & 0x04) != 0;

    /// <summary>The will's QoS (flags 0x18).</summary>
    public int WillQos => (Flags >> 3) & 3;

    /// <summary>The will's RETAIN (flag 0x20).</summary>
    public bool WillRetain => (Flags & 0x20) != 0;

    /// <summary>The will payload as UTF-8 text (null without a will).</summary>
    public string? WillPayloadText => WillPayload is null ? null : Encoding.UTF8.GetString(WillPayload);

    /// <summary>
    /// Decodes <paramref name="packet"/>; anything but a well-formed CONNECT of protocol level 5 throws
    /// <see cref="InvalidDataException"/> (a client's CONNECT is malformed when the reserved flag is set,
    /// or the will flags disagree with each other [MQTT-3.1.2-3, -11, -13, -15]).
    /// </summary>
    public static Mqtt5Connect Parse(MqttPacket packet)
    {
        Mqtt5PacketChecks.Expect(packet, MqttPacketType.Connect, 0);
        ReadOnlySpan<byte> body = packet.Body.Span;
        int offset = 0;
        string protocol = Mqtt5Wire.ReadUtf8String(body, ref offset);
        if (protocol != "MQTT")
            throw new InvalidDataException($"Malformed CONNECT: protocol name \"{protocol}\". {packet}");
        if (offset + 4 > body.Length)
            throw new InvalidDataException($"Malformed CONNECT: it ends inside its variable header. {packet}");
        byte level = body[offset++];
        if (level != 5)
            throw new InvalidDataException($"Not an MQTT 5 CONNECT: protocol level {level}. {packet}");
        byte flags = body[offset++];
        if ((flags & 0x01) != 0)
            throw new InvalidDataException($"Malformed CONNECT: the reserved flag is set [MQTT-3.1.2-3]. {packet}");
        bool will = (flags & 0x04) != 0;
        if (!will && (flags & 0x38) != 0)
            throw new InvalidDataException($"Malformed CONNECT: will QoS or will retain without a will [MQTT-3.1.2-11, -13]. {packet}");
        if (((flags >> 3) & 3) == 3)
            throw new InvalidDataException($"Malformed CONNECT: will QoS 3 [MQTT-3.1.2-12]. {packet}");
        ushort keepAlive = Mqtt5Wire.ReadTwoByteInteger(body, ref offset);
        Mqtt5Properties properties = Mqtt5Properties.Read(body, ref offset);
        string clientId = Mqtt5Wire.ReadUtf8String(body, ref offset);
        Mqtt5Properties? willProperties = null;
        string? willTopic = null;
        byte[]? willPayload = null;
        if (will)
        {
            willProperties = Mqtt5Properties.Read(body, ref offset);
            willTopic = Mqtt5Wire.ReadUtf8String(body, ref offset);
            willPayload = Mqtt5Wire.ReadBinary(body, ref offset);
        }
        string? userName = (flags & 0x80) != 0 ? Mqtt5Wire.ReadUtf8String(body, ref offset) : null;
        byte[]? password = (flags & 0x40) != 0 ? Mqtt5Wire.ReadBinary(body, ref offset) : null;
        Mqtt5PacketChecks.ExpectEnd(packet, offset);
        return new Mqtt5Connect(flags, keepAlive, properties, clientId, willProperties, willTopic, willPayload, userName, password, packet);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CONNECT \"{ClientId}\" flags=0x{Flags:X2} keepalive={KeepAliveSeconds} {Properties}"
        + (HasWill ? $" will \"{WillTopic}\" q{WillQos}{(WillRetain ? " retain" : "")} payload={MqttPacket.Describe(WillPayload!)} {WillProperties}" : "")
        + (UserName is null ? "" : $" user=\"{UserName}\"")
        + (Password is null ? "" : $" password={Password.Length} byte(s)");
}

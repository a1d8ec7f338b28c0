using System.Buffers.Binary;
using System.Text;

namespace PahoSharp.Testing.Mqtt;

/// <summary>Encodes the few MQTT 3.1.1 packets that the test-side clients send.</summary>
public static class MqttPacketWriter
{
    public static byte[] Connect(string clientId, ushort keepAliveSeconds = 0, bool cleanSession = true, string? userName = null, string? password = null)
    {
        var body = new List<byte>();
        AddString(body, "MQTT"u8);
        body.Add(4); // protocol level 3.1.1
        byte flags = (byte)((cleanSession ? 0x02 : 0) | (userName is null ? 0 : 0x80) | (password is null ? 0 : 0x40));
        body.Add(flags);
        body.Add((byte)(keepAliveSeconds >> 8));
        body.Add((byte)keepAliveSeconds);
        AddString(body, Encoding.UTF8.GetBytes(clientId));
        if (userName is not null)
            AddString(body, Encoding.UTF8.GetBytes(userName));
        if (password is not null)
            AddString(body, Encoding.UTF8.GetBytes(password));
        return Packet(0x10, body);
    }

    /// <summary>A PUBLISH; <paramref name="packetId"/> is written for QoS 1 and 2 only.</summary>
    public static byte[] Publish(string topic, ReadOnlySpan<byte> payload, int qos, ushort packetId = 0, bool retain = false, bool duplicate = false)
    {
        var body = new List<byte>();
        AddString(body, Encoding.UTF8.GetBytes(topic));
        if (qos > 0)
        {
            body.Add((byte)(packetId >> 8));
            body.Add((byte)packetId);
        }
        body.AddRange(payload);
        return Packet((byte)(0x30 | (duplicate ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0)), body);
    }

    public static byte[] Subscribe(ushort packetId, string topicFilter, int qos)
    {
        var body = new List<byte> { (byte)(packetId >> 8), (byte)packetId };
        AddString(body, Encoding.UTF8.GetBytes(topicFilter));
        body.Add((byte)qos);
        return Packet(0x82, body);
    }

    public static byte[] Ack(MqttPacketType type, ushort packetId) =>
        Packet((byte)(((byte)type << 4) | (type == MqttPacketType.PubRel ? 0x02 : 0)), [(byte)(packetId >> 8), (byte)packetId]);

    public static byte[] Disconnect() => [0xE0, 0x00];

    private static void AddString(List<byte> body, ReadOnlySpan<byte> utf8)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)utf8.Length);
        body.AddRange(length);
        body.AddRange(utf8);
    }

    private static byte[] Packet(byte firstByte, List<byte> body)
    {
        var packet = new List<byte> { firstByte };
        int remaining = body.Count;
        do
        {
            byte digit = (byte)(remaining % 128);
            remaining /= 128;
            packet.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);
        packet.AddRange(body);
        return [.. packet];
    }
}

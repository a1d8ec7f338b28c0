using System.Text;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// Encodes the MQTT 5 packets that the test-side clients send, properties included. It writes what
/// it is given without second-guessing it (a PUBLISH may carry any property, a topic alias with
/// an empty topic, ...), so tests can also send what a careful client would not.
/// </summary>
public static class Mqtt5PacketWriter
{
    /// <summary>A CONNECT at protocol level 5 for <paramref name="clientId"/> (empty: let the broker assign one).</summary>
    public static byte[] Connect(Mqtt5ConnectOptions options, string clientId)
    {
        ArgumentNullException.ThrowIfNull(options);
        Mqtt5Will? will = options.Will;
        if (will is not null && will.Qos is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(options), will.Qos, "A will's QoS is 0, 1 or 2.");
        var body = new List<byte>();
        Mqtt5Wire.WriteUtf8String(body, "MQTT");
        body.Add(5);
        byte flags = (byte)((options.UserName is null ? 0 : 0x80)
            | (options.Password is null ? 0 : 0x40)
            | (will is { Retain: true } ? 0x20 : 0)
            | ((will?.Qos ?? 0) << 3)
            | (will is null ? 0 : 0x04)
            | (options.CleanStart ? 0x02 : 0));
        body.Add(flags);
        Mqtt5Wire.WriteTwoByteInteger(body, options.KeepAliveSeconds);
        options.Properties.WriteTo(body);
        Mqtt5Wire.WriteUtf8String(body, clientId);
        if (will is not null)
        {
            will.Properties.WriteTo(body);
            Mqtt5Wire.WriteUtf8String(body, will.Topic);
            Mqtt5Wire.WriteBinary(body, will.Payload);
        }
        if (options.UserName is not null)
            Mqtt5Wire.WriteUtf8String(body, options.UserName);
        if (options.Password is not null)
            Mqtt5Wire.WriteBinary(body, options.Password);
        return Packet(0x10, body);
    }

    /// <summary>A PUBLISH; <paramref name="packetId"/> is written for QoS 1 and 2 only.</summary>
    public static byte[] Publish(string topic, ReadOnlySpan<byte> payload, int qos, ushort packetId = 0, bool retain = false,
        bool duplicate = false, Mqtt5Properties? properties = null) =>
        Publish(Encoding.UTF8.GetBytes(topic), payload, qos, packetId, retain, duplicate, properties);

    /// <summary>A PUBLISH whose topic name is given as bytes (which may be anything, empty for a topic alias alone).</summary>
    public static byte[] Publish(byte[] topic, ReadOnlySpan<byte> payload, int qos, ushort packetId = 0, bool retain = false,
        bool duplicate = false, Mqtt5Properties? properties = null)
    {
        if (qos is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "QoS is 0, 1 or 2.");
        var body = new List<byte>(topic.Length + payload.Length + 16);
        Mqtt5Wire.WriteBinary(body, topic);
        if (qos > 0)
            Mqtt5Wire.WriteTwoByteInteger(body, packetId);
        (properties ?? Mqtt5Properties.Empty).WriteTo(body);
        body.AddRange(payload);
        return Packet((byte)(0x30 | (duplicate ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0)), body);
    }

    /// <summary>A SUBSCRIBE of one or more filters with their options.</summary>
    public static byte[] Subscribe(ushort packetId, IReadOnlyList<Mqtt5Subscription> subscriptions, Mqtt5Properties? properties = null)
    {
        var body = new List<byte>();
        Mqtt5Wire.WriteTwoByteInteger(body, packetId);
        (properties ?? Mqtt5Properties.Empty).WriteTo(body);
        foreach (Mqtt5Subscription subscription in subscriptions)
        {
            Mqtt5Wire.WriteUtf8String(body, subscription.TopicFilter);
            body.Add(subscription.OptionsByte);
        }
        return Packet(0x82, body);
    }

    /// <summary>An UNSUBSCRIBE of one or more filters.</summary>
    public static byte[] Unsubscribe(ushort packetId, IReadOnlyList<string> topicFilters, Mqtt5Properties? properties = null)
    {
        var body = new List<byte>();
        Mqtt5Wire.WriteTwoByteInteger(body, packetId);
        (properties ?? Mqtt5Properties.Empty).WriteTo(body);
        foreach (string filter in topicFilters)
            Mqtt5Wire.WriteUtf8String(body, filter);
        return Packet(0xA2, body);
    }

    /// <summary>
    /// A PUBACK, PUBREC, PUBREL or PUBCOMP. Reason code 0 without properties takes the short form
    /// the specification allows (the packet identifier alone); with properties, the reason code is
    /// always written.
    /// </summary>
    public static byte[] Acknowledgement(MqttPacketType type, ushort packetId, byte reasonCode = 0, Mqtt5Properties? properties = null)
    {
        if (type is not (MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Only PUBACK, PUBREC, PUBREL and PUBCOMP are publish acknowledgements.");
        var body = new List<byte>();
        Mqtt5Wire.WriteTwoByteInteger(body, packetId);
        bool hasProperties = properties is { Count: > 0 };
        if (reasonCode != 0 || hasProperties)
            body.Add(reasonCode);
        if (hasProperties)
            properties!.WriteTo(body);
        return Packet((byte)(((byte)type << 4) | (type == MqttPacketType.PubRel ? 0x02 : 0)), body);
    }

    /// <summary>A DISCONNECT; reason code 0 (normal) without properties is the two-byte short form.</summary>
    public static byte[] Disconnect(byte reasonCode = 0, Mqtt5Properties? properties = null)
    {
        var body = new List<byte>();
        bool hasProperties = properties is { Count: > 0 };
        if (reasonCode != 0 || hasProperties)
            body.Add(reasonCode);
        if (hasProperties)
            properties!.WriteTo(body);
        return Packet(0xE0, body);
    }

    /// <summary>A fixed header (first byte and Remaining Length) in front of <paramref name="body"/>.</summary>
    public static byte[] Packet(byte firstByte, List<byte> body)
    {
        var packet = new List<byte>(body.Count + 5) { firstByte };
        Mqtt5Wire.WriteVariableByteInteger(packet, (uint)body.Count);
        packet.AddRange(body);
        return [.. packet];
    }
}

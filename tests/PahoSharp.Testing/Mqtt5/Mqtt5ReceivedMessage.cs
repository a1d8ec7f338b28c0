using System.Text;

using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// A PUBLISH that an MQTT 5 test client received: <see cref="Topic"/> is the topic it is for, with
/// any topic alias resolved; <see cref="Packet"/> is the packet as sent, so a test also sees whether
/// the sender used an alias (<see cref="TopicAlias"/>, <see cref="TopicNameLength"/>) and the exact
/// property bytes (<see cref="RawProperties"/>).
/// </summary>
public sealed record Mqtt5ReceivedMessage(byte[] Topic, Mqtt5Publish Packet, DateTime ReceivedAtUtc)
{
    /// <summary>The resolved topic as text.</summary>
    public string TopicText => Encoding.UTF8.GetString(Topic);

    /// <summary>The length of the topic name as sent: 0 when the topic alias alone named the topic.</summary>
    public int TopicNameLength => Packet.TopicName.Length;

    /// <summary>The Topic Alias the sender put on this PUBLISH, if any (whether it set the alias up or used it).</summary>
    public ushort? TopicAlias => Packet.Properties.TopicAlias;

    /// <summary>The payload, byte for byte.</summary>
    public byte[] Payload => Packet.Payload;

    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload);

    /// <summary>The QoS the message was delivered with.</summary>
    public int Qos => Packet.Qos;

    /// <summary>The RETAIN flag as delivered.</summary>
    public bool Retained => Packet.Retain;

    /// <summary>The DUP flag as delivered.</summary>
    public bool Duplicate => Packet.Duplicate;

    /// <summary>The packet identifier (QoS 1 and 2 only).</summary>
    public ushort? PacketId => Packet.PacketId;

    /// <summary>The decoded properties, in wire order.</summary>
    public Mqtt5Properties Properties => Packet.Properties;

    /// <summary>The property bytes exactly as delivered, without the Property Length.</summary>
    public byte[] RawProperties => Packet.Properties.Raw;

    /// <summary>The Subscription Identifiers the broker put on the delivery (one per matching subscription that has one).</summary>
    public IReadOnlyList<uint> SubscriptionIdentifiers => Packet.Properties.SubscriptionIdentifiers;

    /// <summary>The User Properties in wire order.</summary>
    public IReadOnlyList<Mqtt5UserProperty> UserProperties => Packet.Properties.UserProperties;

    /// <inheritdoc/>
    public override string ToString() =>
        $"\"{TopicText}\"{(TopicAlias is { } alias ? $" (alias {alias}, topic name {TopicNameLength} bytes)" : "")} q{Qos}{(Retained ? " retained" : "")}{(Duplicate ? " dup" : "")} payload={MqttPacket.Describe(Payload)} {Properties}";
}

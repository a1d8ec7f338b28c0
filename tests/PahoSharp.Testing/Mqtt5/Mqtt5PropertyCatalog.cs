using PahoSharp.Testing.Mqtt;

using static PahoSharp.Testing.Mqtt.MqttPacketType;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// What MQTT 5.0 says of each property identifier (section 2.2.2.2): its data type, the packets
/// that may carry it, whether it belongs in will properties, and whether it may appear more than
/// once. One table, so that decoder, encoder and checks cannot disagree.
/// </summary>
public static class Mqtt5PropertyCatalog
{
    private sealed record Entry(Mqtt5PropertyType Type, bool InWill, MqttPacketType[] Packets);

    private static readonly MqttPacketType[] EveryPacketWithProperties =
        [Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe, UnsubAck, Disconnect, Auth];

    private static readonly Dictionary<Mqtt5PropertyId, Entry> Entries = new()
    {
        [Mqtt5PropertyId.PayloadFormatIndicator] = new(Mqtt5PropertyType.Byte, true, [Publish]),
        [Mqtt5PropertyId.MessageExpiryInterval] = new(Mqtt5PropertyType.FourByteInteger, true, [Publish]),
        [Mqtt5PropertyId.ContentType] = new(Mqtt5PropertyType.Utf8String, true, [Publish]),
        [Mqtt5PropertyId.ResponseTopic] = new(Mqtt5PropertyType.Utf8String, true, [Publish]),
        [Mqtt5PropertyId.CorrelationData] = new(Mqtt5PropertyType.BinaryData, true, [Publish]),
        [Mqtt5PropertyId.SubscriptionIdentifier] = new(Mqtt5PropertyType.VariableByteInteger, false, [Publish, Subscribe]),
        [Mqtt5PropertyId.SessionExpiryInterval] = new(Mqtt5PropertyType.FourByteInteger, false, [Connect, ConnAck, Disconnect]),
        [Mqtt5PropertyId.AssignedClientIdentifier] = new(Mqtt5PropertyType.Utf8String, false, [ConnAck]),
        [Mqtt5PropertyId.ServerKeepAlive] = new(Mqtt5PropertyType.TwoByteInteger, false, [ConnAck]),
        [Mqtt5PropertyId.AuthenticationMethod] = new(Mqtt5PropertyType.Utf8String, false, [Connect, ConnAck, Auth]),
        [Mqtt5PropertyId.AuthenticationData] = new(Mqtt5PropertyType.BinaryData, false, [Connect, ConnAck, Auth]),
        [Mqtt5PropertyId.RequestProblemInformation] = new(Mqtt5PropertyType.Byte, false, [Connect]),
        [Mqtt5PropertyId.WillDelayInterval] = new(Mqtt5PropertyType.FourByteInteger, true, []),
        [Mqtt5PropertyId.RequestResponseInformation] = new(Mqtt5PropertyType.Byte, false, [Connect]),
        [Mqtt5PropertyId.ResponseInformation] = new(Mqtt5PropertyType.Utf8String, false, [ConnAck]),
        [Mqtt5PropertyId.ServerReference] = new(Mqtt5PropertyType.Utf8String, false, [ConnAck, Disconnect]),
        [Mqtt5PropertyId.ReasonString] = new(Mqtt5PropertyType.Utf8String, false, [ConnAck, PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck, Disconnect, Auth]),
        [Mqtt5PropertyId.ReceiveMaximum] = new(Mqtt5PropertyType.TwoByteInteger, false, [Connect, ConnAck]),
        [Mqtt5PropertyId.TopicAliasMaximum] = new(Mqtt5PropertyType.TwoByteInteger, false, [Connect, ConnAck]),
        [Mqtt5PropertyId.TopicAlias] = new(Mqtt5PropertyType.TwoByteInteger, false, [Publish]),
        [Mqtt5PropertyId.MaximumQos] = new(Mqtt5PropertyType.Byte, false, [ConnAck]),
        [Mqtt5PropertyId.RetainAvailable] = new(Mqtt5PropertyType.Byte, false, [ConnAck]),
        [Mqtt5PropertyId.UserProperty] = new(Mqtt5PropertyType.Utf8StringPair, true, EveryPacketWithProperties),
        [Mqtt5PropertyId.MaximumPacketSize] = new(Mqtt5PropertyType.FourByteInteger, false, [Connect, ConnAck]),
        [Mqtt5PropertyId.WildcardSubscriptionAvailable] = new(Mqtt5PropertyType.Byte, false, [ConnAck]),
        [Mqtt5PropertyId.SubscriptionIdentifierAvailable] = new(Mqtt5PropertyType.Byte, false, [ConnAck]),
        [Mqtt5PropertyId.SharedSubscriptionAvailable] = new(Mqtt5PropertyType.Byte, false, [ConnAck]),
    };

    /// <summary>Every property identifier of the specification, in increasing order (27 of them).</summary>
    public static IReadOnlyList<Mqtt5PropertyId> All { get; } = [.. Entries.Keys.Order()];

    /// <summary>Whether <paramref name="identifier"/> is a property identifier of MQTT 5.0.</summary>
    public static bool IsKnown(uint identifier) => identifier <= byte.MaxValue && Entries.ContainsKey((Mqtt5PropertyId)identifier);

    /// <summary>The data type of <paramref name="id"/>'s value.</summary>
    public static Mqtt5PropertyType TypeOf(Mqtt5PropertyId id) => Lookup(id).Type;

    /// <summary>Whether <paramref name="id"/> may be carried by a packet of type <paramref name="packetType"/>.</summary>
    public static bool IsAllowedIn(Mqtt5PropertyId id, MqttPacketType packetType) => Lookup(id).Packets.Contains(packetType);

    /// <summary>Whether <paramref name="id"/> belongs in the will properties of a CONNECT.</summary>
    public static bool IsWillProperty(Mqtt5PropertyId id) => Lookup(id).InWill;

    /// <summary>
    /// Whether <paramref name="id"/> may appear more than once in one packet of type
    /// <paramref name="packetType"/>: User Property anywhere, Subscription Identifier in a PUBLISH
    /// (one per matching subscription); anything else twice is a Protocol Error.
    /// </summary>
    public static bool MayRepeat(Mqtt5PropertyId id, MqttPacketType packetType) =>
        id == Mqtt5PropertyId.UserProperty || (id == Mqtt5PropertyId.SubscriptionIdentifier && packetType == Publish);

    private static Entry Lookup(Mqtt5PropertyId id) =>
        Entries.TryGetValue(id, out Entry? entry) ? entry : throw new ArgumentOutOfRangeException(nameof(id), $"0x{(byte)id:X2} is not an MQTT 5 property identifier.");
}

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// The property identifiers of MQTT 5.0 (OASIS Standard, 2019, section 2.2.2.2), with the values
/// the specification gives them. Every identifier is written as a Variable Byte Integer on the
/// wire; all of these fit in one byte.
/// </summary>
public enum Mqtt5PropertyId : byte
{
    /// <summary>Byte; PUBLISH, will properties. 0 = unspecified bytes, 1 = UTF-8 character data.</summary>
    PayloadFormatIndicator = 0x01,

    /// <summary>Four Byte Integer (seconds); PUBLISH, will properties.</summary>
    MessageExpiryInterval = 0x02,

    /// <summary>UTF-8 String; PUBLISH, will properties.</summary>
    ContentType = 0x03,

    /// <summary>UTF-8 String (a topic name); PUBLISH, will properties.</summary>
    ResponseTopic = 0x08,

    /// <summary>Binary Data; PUBLISH, will properties.</summary>
    CorrelationData = 0x09,

    /// <summary>Variable Byte Integer, 1 to 268,435,455; PUBLISH (repeatable, server to client only), SUBSCRIBE (once).</summary>
    SubscriptionIdentifier = 0x0B,

    /// <summary>Four Byte Integer (seconds); CONNECT, CONNACK, DISCONNECT.</summary>
    SessionExpiryInterval = 0x11,

    /// <summary>UTF-8 String; CONNACK.</summary>
    AssignedClientIdentifier = 0x12,

    /// <summary>Two Byte Integer (seconds); CONNACK.</summary>
    ServerKeepAlive = 0x13,

    /// <summary>UTF-8 String; CONNECT, CONNACK, AUTH.</summary>
    AuthenticationMethod = 0x15,

    /// <summary>Binary Data; CONNECT, CONNACK, AUTH.</summary>
    AuthenticationData = 0x16,

    /// <summary>Byte (0 or 1); CONNECT.</summary>
    RequestProblemInformation = 0x17,

    /// <summary>Four Byte Integer (seconds); will properties.</summary>
    WillDelayInterval = 0x18,

    /// <summary>Byte (0 or 1); CONNECT.</summary>
    RequestResponseInformation = 0x19,

    /// <summary>UTF-8 String; CONNACK.</summary>
    ResponseInformation = 0x1A,

    /// <summary>UTF-8 String; CONNACK, DISCONNECT.</summary>
    ServerReference = 0x1C,

    /// <summary>UTF-8 String; CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.</summary>
    ReasonString = 0x1F,

    /// <summary>Two Byte Integer, not 0; CONNECT, CONNACK.</summary>
    ReceiveMaximum = 0x21,

    /// <summary>Two Byte Integer; CONNECT, CONNACK.</summary>
    TopicAliasMaximum = 0x22,

    /// <summary>Two Byte Integer, not 0; PUBLISH. It names a topic for one network connection only (hop by hop).</summary>
    TopicAlias = 0x23,

    /// <summary>Byte (0 or 1); CONNACK.</summary>
    MaximumQos = 0x24,

    /// <summary>Byte (0 or 1); CONNACK.</summary>
    RetainAvailable = 0x25,

    /// <summary>UTF-8 String Pair; every packet that has properties, and will properties. Repeatable, the same name included; order is kept.</summary>
    UserProperty = 0x26,

    /// <summary>Four Byte Integer (bytes), not 0; CONNECT, CONNACK.</summary>
    MaximumPacketSize = 0x27,

    /// <summary>Byte (0 or 1); CONNACK.</summary>
    WildcardSubscriptionAvailable = 0x28,

    /// <summary>Byte (0 or 1); CONNACK.</summary>
    SubscriptionIdentifierAvailable = 0x29,

    /// <summary>Byte (0 or 1); CONNACK.</summary>
    SharedSubscriptionAvailable = 0x2A,
}

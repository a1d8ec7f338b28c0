using PahoSharp.Interop;
using PahoSharp.Interop.Properties;

namespace PahoSharp;

/// <summary>
/// MQTT 5 properties: every property paho knows, typed; null (or empty) when absent. Intervals are
/// whole seconds (the protocol's unit), user properties a list of name and value pairs in order. What
/// a packet may carry is checked when the properties are used (a will cannot carry a topic alias, ...).
/// </summary>
public sealed class MqttProperties
{
    private string? contentType;
    private string? responseTopic;
    private string? assignedClientIdentifier;
    private string? authenticationMethod;
    private string? responseInformation;
    private string? serverReference;
    private string? reasonString;
    private TimeSpan? messageExpiryInterval;
    private TimeSpan? sessionExpiryInterval;
    private TimeSpan? willDelayInterval;
    private TimeSpan? serverKeepAlive;
    private ReadOnlyMemory<byte>? correlationData;
    private ReadOnlyMemory<byte>? authenticationData;

    /// <summary>The longest interval a property can hold: 4,294,967,295 s (for the session expiry interval, "never expires").</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(uint.MaxValue);

    /// <summary>0x01: whether the payload is UTF-8 text (PUBLISH, will).</summary>
    public MqttPayloadFormat? PayloadFormat { get; set; }

    /// <summary>0x02: how long the broker keeps the message for subscribers (PUBLISH, will); whole seconds.</summary>
    public TimeSpan? MessageExpiryInterval
    {
        get => messageExpiryInterval;
        set => messageExpiryInterval = Interval(value, nameof(value));
    }

    /// <summary>0x03: the payload's content type, for instance a MIME type (PUBLISH, will).</summary>
    public string? ContentType
    {
        get => contentType;
        set => contentType = Text(value, nameof(value));
    }

    /// <summary>0x08: the topic a response goes to (PUBLISH, will): request/response.</summary>
    public string? ResponseTopic
    {
        get => responseTopic;
        set
        {
            if (value is not null)
                MqttText.CheckTopicName(value, nameof(value));
            responseTopic = value;
        }
    }

    /// <summary>0x09: data that ties a response to its request (PUBLISH, will).</summary>
    public ReadOnlyMemory<byte>? CorrelationData
    {
        get => correlationData;
        set => correlationData = Binary(value, nameof(value));
    }

    /// <summary>0x0B: subscription identifiers: the one a SUBSCRIBE gives (1 to 268,435,455), or those of the subscriptions a received PUBLISH matched.</summary>
    public IList<int> SubscriptionIdentifiers { get; } = new List<int>();

    /// <summary>0x11: how long the broker keeps the session after the connection ends (CONNECT, CONNACK, DISCONNECT); <see cref="MaxInterval"/> never expires.</summary>
    public TimeSpan? SessionExpiryInterval
    {
        get => sessionExpiryInterval;
        set => sessionExpiryInterval = Interval(value, nameof(value));
    }

    /// <summary>0x12: the client identifier the broker assigned (CONNACK).</summary>
    public string? AssignedClientIdentifier
    {
        get => assignedClientIdentifier;
        set => assignedClientIdentifier = Text(value, nameof(value));
    }

    /// <summary>0x13: the keep-alive the broker wants instead of the client's (CONNACK); whole seconds up to 65,535.</summary>
    public TimeSpan? ServerKeepAlive
    {
        get => serverKeepAlive;
        set
        {
            if (value is { } keepAlive && (keepAlive < TimeSpan.Zero || keepAlive.TotalSeconds > ushort.MaxValue || keepAlive.Ticks % TimeSpan.TicksPerSecond != 0))
                throw new ArgumentOutOfRangeException(nameof(value), value, "A keep-alive is whole seconds from 0 to 65535.");
            serverKeepAlive = value;
        }
    }

    /// <summary>0x15: the extended authentication method (CONNECT, CONNACK, AUTH).</summary>
    public string? AuthenticationMethod
    {
        get => authenticationMethod;
        set => authenticationMethod = Text(value, nameof(value));
    }

    /// <summary>0x16: the extended authentication data (CONNECT, CONNACK, AUTH).</summary>
    public ReadOnlyMemory<byte>? AuthenticationData
    {
        get => authenticationData;
        set => authenticationData = Binary(value, nameof(value));
    }

    /// <summary>0x17: whether the broker may send reason strings and user properties on failures (CONNECT).</summary>
    public bool? RequestProblemInformation { get; set; }

    /// <summary>0x18: how long the broker waits before it publishes the will (will); whole seconds.</summary>
    public TimeSpan? WillDelayInterval
    {
        get => willDelayInterval;
        set => willDelayInterval = Interval(value, nameof(value));
    }

    /// <summary>0x19: whether the client asks for response information in CONNACK (CONNECT).</summary>
    public bool? RequestResponseInformation { get; set; }

    /// <summary>0x1A: the broker's basis for response topics (CONNACK).</summary>
    public string? ResponseInformation
    {
        get => responseInformation;
        set => responseInformation = Text(value, nameof(value));
    }

    /// <summary>0x1C: another server for the client to use (CONNACK, DISCONNECT).</summary>
    public string? ServerReference
    {
        get => serverReference;
        set => serverReference = Text(value, nameof(value));
    }

    /// <summary>0x1F: a human-readable reason (acknowledgements, DISCONNECT).</summary>
    public string? ReasonString
    {
        get => reasonString;
        set => reasonString = Text(value, nameof(value));
    }

    /// <summary>0x21: how many QoS 1 and 2 publications the sender takes in flight at once (CONNECT, CONNACK).</summary>
    public ushort? ReceiveMaximum { get; set; }

    /// <summary>0x22: the highest topic alias the sender accepts (CONNECT, CONNACK).</summary>
    public ushort? TopicAliasMaximum { get; set; }

    /// <summary>0x23: a topic alias (PUBLISH).</summary>
    public ushort? TopicAlias { get; set; }

    /// <summary>0x24: the highest QoS the broker supports (CONNACK).</summary>
    public MqttQos? MaximumQos { get; set; }

    /// <summary>0x25: whether the broker keeps retained messages (CONNACK).</summary>
    public bool? RetainAvailable { get; set; }

    /// <summary>0x26: user properties, in order; names may repeat (every packet).</summary>
    public IList<MqttUserProperty> UserProperties { get; } = new List<MqttUserProperty>();

    /// <summary>0x27: the largest packet the sender accepts (CONNECT, CONNACK).</summary>
    public uint? MaximumPacketSize { get; set; }

    /// <summary>0x28: whether the broker supports wildcard subscriptions (CONNACK).</summary>
    public bool? WildcardSubscriptionAvailable { get; set; }

    /// <summary>0x29: whether the broker supports subscription identifiers (CONNACK).</summary>
    public bool? SubscriptionIdentifiersAvailable { get; set; }

    /// <summary>0x2A: whether the broker supports shared subscriptions (CONNACK).</summary>
    public bool? SharedSubscriptionAvailable { get; set; }

    /// <summary>Whether no property is set.</summary>
    public bool IsEmpty => PropertyCodes.Present(this).Count == 0;

    private static string? Text(string? value, string paramName)
    {
        if (value is not null)
            MqttText.CheckString(value, paramName);
        return value;
    }

    private static ReadOnlyMemory<byte>? Binary(ReadOnlyMemory<byte>? value, string paramName)
    {
        // A null byte[] converts to an empty memory that wraps no array: that is no data at all.
        if (value is { } memory && memory.Equals(default(ReadOnlyMemory<byte>)))
            return null;
        if (value is { Length: > ushort.MaxValue } tooLong)
            throw new ArgumentException($"MQTT binary data may have at most {ushort.MaxValue} bytes; this has {tooLong.Length}.", paramName);
        return value;
    }

    private static TimeSpan? Interval(TimeSpan? value, string paramName)
    {
        if (value is { } interval && (interval < TimeSpan.Zero || interval > MaxInterval || interval.Ticks % TimeSpan.TicksPerSecond != 0))
            throw new ArgumentOutOfRangeException(paramName, value, "An MQTT interval is whole seconds from 0 to 4294967295.");
        return value;
    }
}

using PahoSharp.Native;

namespace PahoSharp.Interop.Properties;

/// <summary>Which properties an <see cref="MqttProperties"/> holds, and which of them a client may send in a packet.</summary>
internal static class PropertyCodes
{
    private static readonly Dictionary<PropertyPacket, HashSet<MQTTPropertyCodes>> Allowed = new()
    {
        [PropertyPacket.Connect] =
        [
            MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL, MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_METHOD,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_DATA, MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_PROBLEM_INFORMATION,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_RESPONSE_INFORMATION, MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS_MAXIMUM, MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_PACKET_SIZE,
        ],
        [PropertyPacket.Will] =
        [
            MQTTPropertyCodes.MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL, MQTTPropertyCodes.MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL, MQTTPropertyCodes.MQTTPROPERTY_CODE_CONTENT_TYPE,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_TOPIC, MQTTPropertyCodes.MQTTPROPERTY_CODE_CORRELATION_DATA,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY,
        ],
        [PropertyPacket.Publish] =
        [
            MQTTPropertyCodes.MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR, MQTTPropertyCodes.MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_CONTENT_TYPE, MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_TOPIC,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_CORRELATION_DATA, MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY,
        ],
        [PropertyPacket.Subscribe] = [MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER, MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY],
        [PropertyPacket.Unsubscribe] = [MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY],
        [PropertyPacket.Disconnect] =
        [
            MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL, MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING,
            MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY,
        ],
    };

    /// <summary>The codes of the properties that are set.</summary>
    public static List<MQTTPropertyCodes> Present(MqttProperties properties)
    {
        var codes = new List<MQTTPropertyCodes>();
        void Add(bool present, MQTTPropertyCodes code)
        {
            if (present)
                codes.Add(code);
        }
        Add(properties.PayloadFormat is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR);
        Add(properties.MessageExpiryInterval is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL);
        Add(properties.ContentType is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_CONTENT_TYPE);
        Add(properties.ResponseTopic is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_TOPIC);
        Add(properties.CorrelationData is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_CORRELATION_DATA);
        Add(properties.SubscriptionIdentifiers.Count > 0, MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER);
        Add(properties.SessionExpiryInterval is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL);
        Add(properties.AssignedClientIdentifier is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_ASSIGNED_CLIENT_IDENTIFER);
        Add(properties.ServerKeepAlive is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_KEEP_ALIVE);
        Add(properties.AuthenticationMethod is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_METHOD);
        Add(properties.AuthenticationData is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_DATA);
        Add(properties.RequestProblemInformation is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_PROBLEM_INFORMATION);
        Add(properties.WillDelayInterval is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL);
        Add(properties.RequestResponseInformation is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_RESPONSE_INFORMATION);
        Add(properties.ResponseInformation is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_INFORMATION);
        Add(properties.ServerReference is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_REFERENCE);
        Add(properties.ReasonString is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING);
        Add(properties.ReceiveMaximum is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM);
        Add(properties.TopicAliasMaximum is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS_MAXIMUM);
        Add(properties.TopicAlias is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS);
        Add(properties.MaximumQos is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_QOS);
        Add(properties.RetainAvailable is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_RETAIN_AVAILABLE);
        Add(properties.UserProperties.Count > 0, MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY);
        Add(properties.MaximumPacketSize is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_PACKET_SIZE);
        Add(properties.WildcardSubscriptionAvailable is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_WILDCARD_SUBSCRIPTION_AVAILABLE);
        Add(properties.SubscriptionIdentifiersAvailable is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIERS_AVAILABLE);
        Add(properties.SharedSubscriptionAvailable is not null, MQTTPropertyCodes.MQTTPROPERTY_CODE_SHARED_SUBSCRIPTION_AVAILABLE);
        return codes;
    }

    /// <summary>Refuses properties a client may not send in <paramref name="packet"/>, and values the protocol forbids.</summary>
    /// <exception cref="ArgumentException">The message names the properties and the packet.</exception>
    public static void CheckFor(MqttProperties? properties, PropertyPacket packet, string paramName)
    {
        // Apart, so that the closure of the lambda is not allocated on every call, with no properties too
        // (C# allocates a closure of a parameter on entry): the publish path allocates nothing.
        if (properties is not null)
            CheckPresent(properties, packet, paramName);
    }

    private static void CheckPresent(MqttProperties properties, PropertyPacket packet, string paramName)
    {
        string[] refused = [.. Present(properties).Where(code => !Allowed[packet].Contains(code)).Select(Name)];
        if (refused.Length > 0)
            throw new ArgumentException($"A client may not send {string.Join(", ", refused)} in {packet} (MQTT 5, section 2.2.2.2).", paramName);
        if (properties.SubscriptionIdentifiers.Count > 1)
            throw new ArgumentException("A SUBSCRIBE carries one subscription identifier.", paramName);
        if (properties.SubscriptionIdentifiers.Any(id => id is < 1 or > 268_435_455))
            throw new ArgumentException("A subscription identifier is from 1 to 268,435,455.", paramName);
        if (properties.TopicAlias == 0)
            throw new ArgumentException("Topic alias 0 is not allowed [MQTT-3.3.2-8].", paramName);
        if (properties.ReceiveMaximum == 0)
            throw new ArgumentException("A Receive Maximum of 0 is a protocol error [MQTT-3.1.2.11.3].", paramName);
        if (properties.MaximumPacketSize == 0)
            throw new ArgumentException("A Maximum Packet Size of 0 is a protocol error [MQTT-3.1.2.11.4].", paramName);
        foreach (MqttUserProperty user in properties.UserProperties)
        {
            MqttText.CheckString(user.Name, paramName);
            MqttText.CheckString(user.Value, paramName);
        }
    }

    private static string Name(MQTTPropertyCodes code) =>
        string.Join(' ', code.ToString()["MQTTPROPERTY_CODE_".Length..].Split('_').Select(w => w.ToLowerInvariant()));
}

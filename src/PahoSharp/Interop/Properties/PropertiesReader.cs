using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Interop.Properties;

/// <summary>Reads a paho <c>MQTTProperties</c> list (which paho owns and frees) into an <see cref="MqttProperties"/>.</summary>
internal static unsafe class PropertiesReader
{
    /// <summary>The properties of the list; null when there are none (so a message without properties allocates nothing for them).</summary>
    public static MqttProperties? Read(MQTTProperties* properties)
    {
        if (properties is null || properties->count <= 0 || properties->array is null)
            return null;
        var read = new MqttProperties();
        for (int i = 0; i < properties->count; i++)
            Apply(read, &properties->array[i]);
        return read;
    }

    private static void Apply(MqttProperties p, MQTTProperty* property)
    {
        var v = property->value;
        switch (property->identifier)
        {
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR: p.PayloadFormat = (MqttPayloadFormat)v.@byte; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL: p.MessageExpiryInterval = TimeSpan.FromSeconds(v.integer4); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_CONTENT_TYPE: p.ContentType = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_TOPIC: p.ResponseTopic = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_CORRELATION_DATA: p.CorrelationData = Data(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER: p.SubscriptionIdentifiers.Add((int)v.integer4); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL: p.SessionExpiryInterval = TimeSpan.FromSeconds(v.integer4); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_ASSIGNED_CLIENT_IDENTIFER: p.AssignedClientIdentifier = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_KEEP_ALIVE: p.ServerKeepAlive = TimeSpan.FromSeconds(v.integer2); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_METHOD: p.AuthenticationMethod = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_DATA: p.AuthenticationData = Data(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_PROBLEM_INFORMATION: p.RequestProblemInformation = v.@byte != 0; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL: p.WillDelayInterval = TimeSpan.FromSeconds(v.integer4); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_RESPONSE_INFORMATION: p.RequestResponseInformation = v.@byte != 0; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_INFORMATION: p.ResponseInformation = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_REFERENCE: p.ServerReference = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING: p.ReasonString = Text(v.data); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM: p.ReceiveMaximum = v.integer2; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS_MAXIMUM: p.TopicAliasMaximum = v.integer2; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS: p.TopicAlias = v.integer2; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_QOS: p.MaximumQos = (MqttQos)v.@byte; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_RETAIN_AVAILABLE: p.RetainAvailable = v.@byte != 0; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY: p.UserProperties.Add(new MqttUserProperty(Text(v.data), Text(v.value))); break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_PACKET_SIZE: p.MaximumPacketSize = v.integer4; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_WILDCARD_SUBSCRIPTION_AVAILABLE: p.WildcardSubscriptionAvailable = v.@byte != 0; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIERS_AVAILABLE: p.SubscriptionIdentifiersAvailable = v.@byte != 0; break;
            case MQTTPropertyCodes.MQTTPROPERTY_CODE_SHARED_SUBSCRIPTION_AVAILABLE: p.SharedSubscriptionAvailable = v.@byte != 0; break;
        }
    }

    private static string Text(MQTTLenString value) =>
        value.data is null || value.len <= 0 ? "" : Encoding.UTF8.GetString(value.data, value.len);

    private static byte[] Data(MQTTLenString value) =>
        value.data is null || value.len <= 0 ? [] : new ReadOnlySpan<byte>(value.data, value.len).ToArray();
}

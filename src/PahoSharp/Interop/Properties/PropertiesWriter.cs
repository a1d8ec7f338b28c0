using System.Runtime.InteropServices;
using System.Text;
using PahoSharp.Native;

namespace PahoSharp.Interop.Properties;

/// <summary>
/// An <see cref="MqttProperties"/> as paho's <c>MQTTProperties</c>, built with <c>MQTTProperties_add</c>
/// of the library that reads it, and freed by the same library on <see cref="Dispose"/>. No properties:
/// <see cref="Native"/> is null and nothing is allocated.
/// </summary>
internal sealed unsafe class PropertiesWriter : IDisposable
{
    private readonly PropertiesLibrary library;

    /// <param name="properties">The caller's properties, checked against what <paramref name="packet"/> may carry.</param>
    /// <param name="library">The paho library that reads and frees the list.</param>
    /// <param name="packet">The packet the properties go in.</param>
    /// <param name="paramName">The caller's parameter, for the exceptions.</param>
    /// <param name="addedUserProperties">User properties to write after the caller's (the trace context), or null.</param>
    public PropertiesWriter(MqttProperties? properties, PropertiesLibrary library, PropertyPacket packet, string paramName, IReadOnlyList<MqttUserProperty>? addedUserProperties = null)
    {
        this.library = library;
        PropertyCodes.CheckFor(properties, packet, paramName);
        bool written = properties is { IsEmpty: false };
        if (!written && addedUserProperties is not { Count: > 0 })
            return;
        Native = (MQTTProperties*)NativeMemory.AllocZeroed((nuint)sizeof(MQTTProperties));
        *Native = Initializers.MQTTProperties_initializer;
        try
        {
            if (written)
                Write(properties!);
            if (addedUserProperties is not null)
            {
                foreach (MqttUserProperty user in addedUserProperties)
                    Pair(MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY, user.Name, user.Value);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>One writer with no list, shared: its <see cref="Dispose"/> does nothing.</summary>
    private static readonly PropertiesWriter Nothing = new(null, PropertiesLibrary.Client, PropertyPacket.Publish, "properties");

    /// <summary>The list for paho, or null when there are no properties.</summary>
    public MQTTProperties* Native { get; private set; }

    /// <summary>
    /// As the constructor, without allocating when there is nothing to write (a publication without
    /// properties, on the path that allocates nothing): then a shared writer with no list.
    /// </summary>
    /// <inheritdoc cref="PropertiesWriter(MqttProperties?, PropertiesLibrary, PropertyPacket, string, IReadOnlyList{MqttUserProperty}?)"/>
    public static PropertiesWriter For(MqttProperties? properties, PropertiesLibrary library, PropertyPacket packet, string paramName, IReadOnlyList<MqttUserProperty>? addedUserProperties = null)
    {
        if (properties is { IsEmpty: false } || addedUserProperties is { Count: > 0 })
            return new PropertiesWriter(properties, library, packet, paramName, addedUserProperties);
        PropertyCodes.CheckFor(properties, packet, paramName);
        return Nothing;
    }

    public void Dispose()
    {
        if (Native is null)
            return;
        library.Free(Native);
        NativeMemory.Free(Native);
        Native = null;
    }

    private void Write(MqttProperties p)
    {
        if (p.PayloadFormat is { } format)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR, (byte)format);
        if (p.MessageExpiryInterval is { } expiry)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL, (uint)expiry.TotalSeconds);
        if (p.ContentType is { } contentType)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_CONTENT_TYPE, contentType);
        if (p.ResponseTopic is { } responseTopic)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_TOPIC, responseTopic);
        if (p.CorrelationData is { } correlation)
            Data(MQTTPropertyCodes.MQTTPROPERTY_CODE_CORRELATION_DATA, correlation.Span);
        foreach (int id in p.SubscriptionIdentifiers)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIER, (uint)id);
        if (p.SessionExpiryInterval is { } session)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL, (uint)session.TotalSeconds);
        if (p.AssignedClientIdentifier is { } assigned)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_ASSIGNED_CLIENT_IDENTIFER, assigned);
        if (p.ServerKeepAlive is { } keepAlive)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_KEEP_ALIVE, (uint)keepAlive.TotalSeconds);
        if (p.AuthenticationMethod is { } method)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_METHOD, method);
        if (p.AuthenticationData is { } authentication)
            Data(MQTTPropertyCodes.MQTTPROPERTY_CODE_AUTHENTICATION_DATA, authentication.Span);
        if (p.RequestProblemInformation is { } problem)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_PROBLEM_INFORMATION, problem ? (byte)1 : (byte)0);
        if (p.WillDelayInterval is { } willDelay)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL, (uint)willDelay.TotalSeconds);
        if (p.RequestResponseInformation is { } response)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_REQUEST_RESPONSE_INFORMATION, response ? (byte)1 : (byte)0);
        if (p.ResponseInformation is { } responseInformation)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_RESPONSE_INFORMATION, responseInformation);
        if (p.ServerReference is { } reference)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_SERVER_REFERENCE, reference);
        if (p.ReasonString is { } reason)
            Text(MQTTPropertyCodes.MQTTPROPERTY_CODE_REASON_STRING, reason);
        if (p.ReceiveMaximum is { } receiveMaximum)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_RECEIVE_MAXIMUM, receiveMaximum);
        if (p.TopicAliasMaximum is { } aliasMaximum)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS_MAXIMUM, aliasMaximum);
        if (p.TopicAlias is { } alias)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_TOPIC_ALIAS, alias);
        if (p.MaximumQos is { } maximumQos)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_QOS, (byte)maximumQos);
        if (p.RetainAvailable is { } retain)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_RETAIN_AVAILABLE, retain ? (byte)1 : (byte)0);
        foreach (MqttUserProperty user in p.UserProperties)
            Pair(MQTTPropertyCodes.MQTTPROPERTY_CODE_USER_PROPERTY, user.Name, user.Value);
        if (p.MaximumPacketSize is { } packetSize)
            Integer(MQTTPropertyCodes.MQTTPROPERTY_CODE_MAXIMUM_PACKET_SIZE, packetSize);
        if (p.WildcardSubscriptionAvailable is { } wildcard)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_WILDCARD_SUBSCRIPTION_AVAILABLE, wildcard ? (byte)1 : (byte)0);
        if (p.SubscriptionIdentifiersAvailable is { } identifiers)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_SUBSCRIPTION_IDENTIFIERS_AVAILABLE, identifiers ? (byte)1 : (byte)0);
        if (p.SharedSubscriptionAvailable is { } shared)
            Byte(MQTTPropertyCodes.MQTTPROPERTY_CODE_SHARED_SUBSCRIPTION_AVAILABLE, shared ? (byte)1 : (byte)0);
    }

    private void Byte(MQTTPropertyCodes code, byte value)
    {
        MQTTProperty property = default;
        property.identifier = code;
        property.value.@byte = value;
        Add(&property);
    }

    // paho reads the integer of the width the property's type has; the union holds them all.
    private void Integer(MQTTPropertyCodes code, uint value)
    {
        MQTTProperty property = default;
        property.identifier = code;
        if (MQTTClientApi.MQTTProperty_getType(code) == (int)MQTTPropertyTypes.MQTTPROPERTY_TYPE_TWO_BYTE_INTEGER)
            property.value.integer2 = (ushort)value;
        else
            property.value.integer4 = value;
        Add(&property);
    }

    private void Text(MQTTPropertyCodes code, string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        Data(code, utf8);
    }

    private void Data(MQTTPropertyCodes code, ReadOnlySpan<byte> value)
    {
        byte empty = 0;
        fixed (byte* data = value)
        {
            MQTTProperty property = default;
            property.identifier = code;
            property.value.data.data = data is null ? &empty : data;
            property.value.data.len = value.Length;
            Add(&property);
        }
    }

    private void Pair(MQTTPropertyCodes code, string name, string value)
    {
        byte[] nameUtf8 = Encoding.UTF8.GetBytes(name);
        byte[] valueUtf8 = Encoding.UTF8.GetBytes(value);
        byte empty = 0;
        fixed (byte* namePtr = nameUtf8)
        fixed (byte* valuePtr = valueUtf8)
        {
            MQTTProperty property = default;
            property.identifier = code;
            property.value.data.data = namePtr is null ? &empty : namePtr;
            property.value.data.len = nameUtf8.Length;
            property.value.value.data = valuePtr is null ? &empty : valuePtr;
            property.value.value.len = valueUtf8.Length;
            Add(&property);
        }
    }

    private void Add(MQTTProperty* property)
    {
        if (library.Add(Native, property) != 0)
            throw new InvalidOperationException($"paho could not add property {property->identifier}.");
    }
}

using PahoSharp.Native;

namespace PahoSharp;

/// <summary>
/// An MQTT 5 reason code, as brokers put them in CONNACK, PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK and
/// DISCONNECT (paho's <c>enum MQTTReasonCodes</c>). Codes below 0x80 are successes; 0x80 and above are
/// failures. A code space of its own: never cast it to or from <see cref="MqttReturnCode"/>.
/// </summary>
public enum MqttReasonCode
{
    /// <summary>0x00. Success (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, AUTH), normal disconnection (DISCONNECT), or QoS 0 granted (SUBACK).</summary>
    Success = (int)MQTTReasonCodes.MQTTREASONCODE_SUCCESS,

    /// <summary>0x01. SUBACK: the subscription is granted with QoS 1.</summary>
    GrantedQos1 = (int)MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_1,

    /// <summary>0x02. SUBACK: the subscription is granted with QoS 2.</summary>
    GrantedQos2 = (int)MQTTReasonCodes.MQTTREASONCODE_GRANTED_QOS_2,

    /// <summary>0x04. DISCONNECT: the client ends cleanly but wants the broker to publish its will.</summary>
    DisconnectWithWillMessage = (int)MQTTReasonCodes.MQTTREASONCODE_DISCONNECT_WITH_WILL_MESSAGE,

    /// <summary>0x10. PUBACK, PUBREC: accepted, but nobody subscribes to the topic (a success).</summary>
    NoMatchingSubscribers = (int)MQTTReasonCodes.MQTTREASONCODE_NO_MATCHING_SUBSCRIBERS,

    /// <summary>0x11. UNSUBACK: no subscription existed for the filter (a success).</summary>
    NoSubscriptionExisted = (int)MQTTReasonCodes.MQTTREASONCODE_NO_SUBSCRIPTION_FOUND,

    /// <summary>0x18. AUTH: continue the authentication with another step.</summary>
    ContinueAuthentication = (int)MQTTReasonCodes.MQTTREASONCODE_CONTINUE_AUTHENTICATION,

    /// <summary>0x19. AUTH: start a re-authentication.</summary>
    ReAuthenticate = (int)MQTTReasonCodes.MQTTREASONCODE_RE_AUTHENTICATE,

    /// <summary>0x80. The server does not wish to reveal the reason, or none of the other codes applies.</summary>
    UnspecifiedError = (int)MQTTReasonCodes.MQTTREASONCODE_UNSPECIFIED_ERROR,

    /// <summary>0x81. A packet could not be parsed.</summary>
    MalformedPacket = (int)MQTTReasonCodes.MQTTREASONCODE_MALFORMED_PACKET,

    /// <summary>0x82. A packet broke the protocol.</summary>
    ProtocolError = (int)MQTTReasonCodes.MQTTREASONCODE_PROTOCOL_ERROR,

    /// <summary>0x83. Valid, but not accepted by this implementation.</summary>
    ImplementationSpecificError = (int)MQTTReasonCodes.MQTTREASONCODE_IMPLEMENTATION_SPECIFIC_ERROR,

    /// <summary>0x84. CONNACK: the server does not support this version of MQTT.</summary>
    UnsupportedProtocolVersion = (int)MQTTReasonCodes.MQTTREASONCODE_UNSUPPORTED_PROTOCOL_VERSION,

    /// <summary>0x85. CONNACK: the client identifier is valid but not allowed.</summary>
    ClientIdentifierNotValid = (int)MQTTReasonCodes.MQTTREASONCODE_CLIENT_IDENTIFIER_NOT_VALID,

    /// <summary>0x86. CONNACK: the user name or password was not accepted.</summary>
    BadUserNameOrPassword = (int)MQTTReasonCodes.MQTTREASONCODE_BAD_USER_NAME_OR_PASSWORD,

    /// <summary>0x87. The client is not authorised to do this.</summary>
    NotAuthorized = (int)MQTTReasonCodes.MQTTREASONCODE_NOT_AUTHORIZED,

    /// <summary>0x88. CONNACK: the server is not available.</summary>
    ServerUnavailable = (int)MQTTReasonCodes.MQTTREASONCODE_SERVER_UNAVAILABLE,

    /// <summary>0x89. The server is busy; try later.</summary>
    ServerBusy = (int)MQTTReasonCodes.MQTTREASONCODE_SERVER_BUSY,

    /// <summary>0x8A. CONNACK: the client has been banned.</summary>
    Banned = (int)MQTTReasonCodes.MQTTREASONCODE_BANNED,

    /// <summary>0x8B. DISCONNECT: the server is shutting down.</summary>
    ServerShuttingDown = (int)MQTTReasonCodes.MQTTREASONCODE_SERVER_SHUTTING_DOWN,

    /// <summary>0x8C. The authentication method is not supported or does not match.</summary>
    BadAuthenticationMethod = (int)MQTTReasonCodes.MQTTREASONCODE_BAD_AUTHENTICATION_METHOD,

    /// <summary>0x8D. DISCONNECT: nothing was received for 1.5 times the keep-alive.</summary>
    KeepAliveTimeout = (int)MQTTReasonCodes.MQTTREASONCODE_KEEP_ALIVE_TIMEOUT,

    /// <summary>0x8E. DISCONNECT: another connection with the same client identifier took the session over.</summary>
    SessionTakenOver = (int)MQTTReasonCodes.MQTTREASONCODE_SESSION_TAKEN_OVER,

    /// <summary>0x8F. The topic filter is well-formed but not accepted.</summary>
    TopicFilterInvalid = (int)MQTTReasonCodes.MQTTREASONCODE_TOPIC_FILTER_INVALID,

    /// <summary>0x90. The topic name is well-formed but not accepted.</summary>
    TopicNameInvalid = (int)MQTTReasonCodes.MQTTREASONCODE_TOPIC_NAME_INVALID,

    /// <summary>0x91. The packet identifier is already in use.</summary>
    PacketIdentifierInUse = (int)MQTTReasonCodes.MQTTREASONCODE_PACKET_IDENTIFIER_IN_USE,

    /// <summary>0x92. The packet identifier is not known.</summary>
    PacketIdentifierNotFound = (int)MQTTReasonCodes.MQTTREASONCODE_PACKET_IDENTIFIER_NOT_FOUND,

    /// <summary>0x93. More QoS 1 and 2 publications in flight than the Receive Maximum allows.</summary>
    ReceiveMaximumExceeded = (int)MQTTReasonCodes.MQTTREASONCODE_RECEIVE_MAXIMUM_EXCEEDED,

    /// <summary>0x94. The topic alias is not valid.</summary>
    TopicAliasInvalid = (int)MQTTReasonCodes.MQTTREASONCODE_TOPIC_ALIAS_INVALID,

    /// <summary>0x95. The packet exceeds the maximum packet size.</summary>
    PacketTooLarge = (int)MQTTReasonCodes.MQTTREASONCODE_PACKET_TOO_LARGE,

    /// <summary>0x96. The received data rate is too high.</summary>
    MessageRateTooHigh = (int)MQTTReasonCodes.MQTTREASONCODE_MESSAGE_RATE_TOO_HIGH,

    /// <summary>0x97. An implementation or administrative limit was exceeded.</summary>
    QuotaExceeded = (int)MQTTReasonCodes.MQTTREASONCODE_QUOTA_EXCEEDED,

    /// <summary>0x98. DISCONNECT: the connection was closed by an administrative action.</summary>
    AdministrativeAction = (int)MQTTReasonCodes.MQTTREASONCODE_ADMINISTRATIVE_ACTION,

    /// <summary>0x99. The payload does not match its payload format indicator.</summary>
    PayloadFormatInvalid = (int)MQTTReasonCodes.MQTTREASONCODE_PAYLOAD_FORMAT_INVALID,

    /// <summary>0x9A. The server does not support retained messages.</summary>
    RetainNotSupported = (int)MQTTReasonCodes.MQTTREASONCODE_RETAIN_NOT_SUPPORTED,

    /// <summary>0x9B. The server does not support the QoS asked for.</summary>
    QosNotSupported = (int)MQTTReasonCodes.MQTTREASONCODE_QOS_NOT_SUPPORTED,

    /// <summary>0x9C. The client should temporarily use another server.</summary>
    UseAnotherServer = (int)MQTTReasonCodes.MQTTREASONCODE_USE_ANOTHER_SERVER,

    /// <summary>0x9D. The client should permanently use another server.</summary>
    ServerMoved = (int)MQTTReasonCodes.MQTTREASONCODE_SERVER_MOVED,

    /// <summary>0x9E. The server does not support shared subscriptions.</summary>
    SharedSubscriptionsNotSupported = (int)MQTTReasonCodes.MQTTREASONCODE_SHARED_SUBSCRIPTIONS_NOT_SUPPORTED,

    /// <summary>0x9F. The connection rate limit has been exceeded.</summary>
    ConnectionRateExceeded = (int)MQTTReasonCodes.MQTTREASONCODE_CONNECTION_RATE_EXCEEDED,

    /// <summary>0xA0. DISCONNECT: the maximum connection time authorised for this connection was exceeded.</summary>
    MaximumConnectTime = (int)MQTTReasonCodes.MQTTREASONCODE_MAXIMUM_CONNECT_TIME,

    /// <summary>0xA1. The server does not support subscription identifiers.</summary>
    SubscriptionIdentifiersNotSupported = (int)MQTTReasonCodes.MQTTREASONCODE_SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED,

    /// <summary>0xA2. The server does not support wildcard subscriptions.</summary>
    WildcardSubscriptionsNotSupported = (int)MQTTReasonCodes.MQTTREASONCODE_WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED,
}

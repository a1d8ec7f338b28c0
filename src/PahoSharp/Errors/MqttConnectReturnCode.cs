namespace PahoSharp;

/// <summary>
/// The return code of an MQTT 3.1 or 3.1.1 CONNACK: the broker's answer to CONNECT. MQTT 5 brokers
/// answer with a <see cref="MqttReasonCode"/> instead.
/// </summary>
public enum MqttConnectReturnCode
{
    /// <summary>0: connection accepted.</summary>
    Accepted = 0,

    /// <summary>1: the broker does not support the requested protocol version.</summary>
    UnacceptableProtocolVersion = 1,

    /// <summary>2: the client identifier is well-formed UTF-8 but not allowed by the broker.</summary>
    IdentifierRejected = 2,

    /// <summary>3: the network connection was made but the MQTT service is unavailable.</summary>
    ServerUnavailable = 3,

    /// <summary>4: the user name or password is malformed or wrong.</summary>
    BadUserNameOrPassword = 4,

    /// <summary>5: the client is not authorised to connect.</summary>
    NotAuthorized = 5,
}

namespace PahoSharp;

/// <summary>Data of <see cref="MqttClientBase.ConnectionLost"/>.</summary>
public sealed class ConnectionLostEventArgs : EventArgs
{
    /// <summary>A connection that ended without the server saying why.</summary>
    /// <param name="cause">paho's reason, when it gives one (it usually does not).</param>
    public ConnectionLostEventArgs(string? cause)
        : this(cause, null, null)
    {
    }

    /// <summary>A connection that ended, with what the server said if it sent DISCONNECT (MQTT 5).</summary>
    /// <param name="cause">paho's reason, when it gives one.</param>
    /// <param name="reasonCode">The reason code of the server's DISCONNECT.</param>
    /// <param name="reasonString">The reason string of the server's DISCONNECT.</param>
    public ConnectionLostEventArgs(string? cause, MqttReasonCode? reasonCode, string? reasonString)
        : this(cause, reasonCode, reasonString, null)
    {
    }

    /// <summary>A connection that ended with an MQTT 5 server's DISCONNECT, and its properties.</summary>
    /// <param name="cause">paho's reason, when it gives one.</param>
    /// <param name="reasonCode">The reason code of the server's DISCONNECT.</param>
    /// <param name="reasonString">The reason string of the server's DISCONNECT.</param>
    /// <param name="properties">All the properties of the server's DISCONNECT (server reference, user properties, ...).</param>
    public ConnectionLostEventArgs(string? cause, MqttReasonCode? reasonCode, string? reasonString, MqttProperties? properties)
    {
        Cause = cause;
        ReasonCode = reasonCode;
        ReasonString = reasonString;
        Properties = properties;
    }

    /// <summary>paho's reason, when it gives one (it usually does not).</summary>
    public string? Cause { get; }

    /// <summary>The reason code of the DISCONNECT an MQTT 5 server sent; null when the connection just ended.</summary>
    public MqttReasonCode? ReasonCode { get; }

    /// <summary>The reason string of the DISCONNECT an MQTT 5 server sent, if it had one.</summary>
    public string? ReasonString { get; }

    /// <summary>The properties of the DISCONNECT an MQTT 5 server sent (server reference, user properties, ...); null otherwise.</summary>
    public MqttProperties? Properties { get; }
}

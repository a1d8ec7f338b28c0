namespace PahoSharp.Testing.Mqtt5;

/// <summary>The broker answered an MQTT 5 test client's CONNECT with a reason code of 0x80 or above.</summary>
public sealed class Mqtt5ConnectRefusedException : IOException
{
    /// <summary>For the CONNACK that refused.</summary>
    public Mqtt5ConnectRefusedException(Mqtt5ConnAck connAck)
        : base($"The broker refused the MQTT 5 test client: {connAck}") => ConnAck = connAck;

    /// <summary>The refusing CONNACK, reason code and properties (a Reason String, say).</summary>
    public Mqtt5ConnAck ConnAck { get; }
}

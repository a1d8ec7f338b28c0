namespace PahoSharp.Extensions.Hosting;

/// <summary>A connection that ended without the host asking (the client's <see cref="MqttClientBase.ConnectionLost"/>): when, and what paho or the broker said.</summary>
/// <param name="At">When the client reported it.</param>
/// <param name="Cause">paho's reason, when it gives one (it usually does not).</param>
/// <param name="ReasonCode">The reason code of an MQTT 5 server's DISCONNECT; null when the connection just ended.</param>
/// <param name="ReasonString">The reason string of an MQTT 5 server's DISCONNECT, if it sent one.</param>
public sealed record MqttConnectionLoss(DateTimeOffset At, string? Cause, MqttReasonCode? ReasonCode, string? ReasonString)
{
    /// <summary>One line for people: the server's reason if it gave one, else paho's cause, else that nobody said why.</summary>
    public string Description =>
        ReasonCode is { } code
            ? $"the server sent DISCONNECT with reason code 0x{(int)code:X2} ({MqttException.Describe(code)}){(ReasonString is null ? "" : $": {ReasonString}")}"
            : Cause ?? "the connection ended (paho gave no cause)";
}

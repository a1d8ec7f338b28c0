namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// How the broker answered a PUBLISH of an MQTT 5 test client: nothing for QoS 0; the PUBACK for
/// QoS 1; the PUBREC and, unless the PUBREC refused (reason code 0x80 or above, which ends the
/// exchange), the PUBCOMP for QoS 2.
/// </summary>
public sealed record Mqtt5PublishResult(ushort? PacketId, Mqtt5Acknowledgement? PubAck, Mqtt5Acknowledgement? PubRec, Mqtt5Acknowledgement? PubComp)
{
    /// <summary>The broker's last word: the reason code of the PUBACK, else the PUBCOMP, else the PUBREC; null for QoS 0.</summary>
    public byte? ReasonCode => (PubAck ?? PubComp ?? PubRec)?.ReasonCode;

    /// <inheritdoc/>
    public override string ToString() =>
        PacketId is null ? "QoS 0 (no answer)" : string.Join("; ", new[] { PubAck, PubRec, PubComp }.OfType<Mqtt5Acknowledgement>());
}

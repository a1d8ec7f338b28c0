using System.Diagnostics;

namespace PahoSharp.Interop.Delivery;

/// <summary>
/// One packet identifier of one connection: its current use and the outcome of the use before it. paho
/// hands identifiers out in turn (1 to 65,535), so an identifier is reused only after all the others.
/// </summary>
internal struct DeliverySlot
{
    /// <summary>How many publications have had this identifier on this connection; the current one's number.</summary>
    public uint Generation;

    public DeliveryState State;

    public MqttQos Qos;

    /// <summary>The broker's MQTT 5 reason code (0 for MQTT 3.1.1).</summary>
    public byte Reason;

    /// <summary>The outcome of generation <see cref="Generation"/> - 1.</summary>
    public DeliveryState PreviousState;

    public byte PreviousReason;

    /// <summary>The current publication's payload size; -1 for one paho held from an earlier connection (not this client's to measure).</summary>
    public int BodySize;

    /// <summary>When the current publication was called (0 when nobody listens to durations).</summary>
    public long Started;

    /// <summary>The current publication's span, ended with its outcome; null when nobody samples it.</summary>
    public Activity? Activity;
}

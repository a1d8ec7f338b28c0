namespace PahoSharp.Interop.Delivery;

/// <summary>Where one publication stands, as paho's callbacks have told it.</summary>
internal enum DeliveryState : byte
{
    /// <summary>No publication uses this packet identifier.</summary>
    Free,

    /// <summary>Published; paho holds it (it occupies a place in paho's window) until the broker acknowledges it.</summary>
    Pending,

    /// <summary>paho held it when the connection started (a resumed session); nobody waits for it, but it occupies a place.</summary>
    Inherited,

    /// <summary>
    /// Acknowledged, but whether paho let it go is not yet known: an MQTT 3.1.1 <c>deliveryComplete</c>
    /// for QoS 2 comes from a PUBCOMP (paho lets go) or from a PUBACK (paho keeps it). paho's list of
    /// pending tokens settles it.
    /// </summary>
    Unverified,

    /// <summary>
    /// The broker acknowledged a QoS 2 publication with PUBACK, as for QoS 1 (RabbitMQ 3.10 does). paho
    /// keeps it in flight: it occupies its place until the connection ends.
    /// </summary>
    Stuck,

    /// <summary>Acknowledged, and paho let it go.</summary>
    Delivered,

    /// <summary>Refused by an MQTT 5 broker with a reason code of 0x80 or more; paho let it go.</summary>
    Refused,

    /// <summary>The connection ended before the broker acknowledged it.</summary>
    Failed,
}

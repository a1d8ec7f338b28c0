using PahoSharp.Interop.Delivery;

namespace PahoSharp;

/// <summary>
/// Identifies one publication of one client on one connection, so that its delivery can be waited for
/// (<see cref="MqttClient.WaitForCompletion"/>). QoS 0 publications are complete when published.
/// </summary>
public readonly record struct DeliveryToken
{
    internal DeliveryToken(DeliveryLedger? ledger, int messageId, uint generation)
    {
        Ledger = ledger;
        MessageId = messageId;
        Generation = generation;
    }

    /// <summary>paho's delivery token: the MQTT packet identifier; 0 for QoS 0.</summary>
    public int MessageId { get; }

    /// <summary>The client's record of the connection it was published on: which client, which connection.</summary>
    internal DeliveryLedger? Ledger { get; }

    /// <summary>Which use of <see cref="MessageId"/> on that connection this is (packet identifiers are reused).</summary>
    internal uint Generation { get; }
}

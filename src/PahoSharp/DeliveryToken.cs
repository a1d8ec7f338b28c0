namespace PahoSharp;

/// <summary>
/// Identifies one publication so that its delivery can be waited for
/// (<see cref="MqttClient.WaitForCompletion"/>). QoS 0 publications are complete when published.
/// </summary>
public readonly record struct DeliveryToken
{
    internal DeliveryToken(int messageId, long generation, long connection)
    {
        MessageId = messageId;
        Generation = generation;
        Connection = connection;
    }

    /// <summary>paho's delivery token: the MQTT packet identifier; 0 for QoS 0.</summary>
    public int MessageId { get; }

    /// <summary>Which use of <see cref="MessageId"/> this is (packet identifiers are reused).</summary>
    internal long Generation { get; }

    /// <summary>Which connection of the client published it.</summary>
    internal long Connection { get; }
}

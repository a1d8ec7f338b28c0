namespace PahoSharp;

/// <summary>What a client does with a received message when its receive buffer is full.</summary>
public enum ReceiveBufferFullMode
{
    /// <summary>
    /// paho's thread waits until the handlers make room, so it stops reading the socket and TCP slows
    /// the broker down: nothing is lost, memory stays bounded. While a call of the client waits for
    /// paho's thread (an acknowledgement, a SUBACK, a place in the in-flight window), paho's thread is
    /// let through, so that the wait can end; messages then go beyond the bound for that time.
    /// </summary>
    Wait,

    /// <summary>The message is dropped and counted (<see cref="MqttClientBase.DroppedMessages"/>): paho has already acknowledged it to the broker.</summary>
    DropNewest,
}

namespace PahoSharp;

/// <summary>
/// Publishing while disconnected (paho's <c>sendWhileDisconnected</c>, <c>maxBufferedMessages</c>,
/// <c>deleteOldestMessages</c>): <see cref="MqttAsyncClient.PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>
/// is taken while the client reconnects, and paho sends it once connected. Only
/// <see cref="MqttAsyncClient"/> has it.
/// </summary>
public sealed class OfflineBufferOptions
{
    private int maxMessages = 100;

    /// <summary>
    /// How many messages paho buffers at most; 100 by default, as paho. paho counts every publication
    /// not yet written, also while connected: a burst of more <c>PublishAsync</c> calls than this is
    /// refused (<see cref="MqttErrorCode.BufferFull"/>) even then, unless
    /// <see cref="DeleteOldest"/> is true, where the calls wait for room instead.
    /// </summary>
    public int MaxMessages
    {
        get => maxMessages;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            maxMessages = value;
        }
    }

    /// <summary>
    /// When the buffer is full: false (the default) refuses the new message
    /// (<see cref="MqttErrorCode.BufferFull"/>, paho's <see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>);
    /// true makes paho drop the oldest message it has not sent to take the new one, and the task of that
    /// oldest publication fails with an <see cref="MqttException"/> whose <see cref="MqttException.ErrorCode"/>
    /// is <see cref="MqttErrorCode.DroppedFromBuffer"/> (paho calls it back with
    /// <see cref="MqttAsyncReturnCode.MaxBufferedMessages"/>).
    /// </summary>
    /// <remarks>
    /// With true, the client never lets the buffer fill while connected: publications of every QoS wait
    /// in the client, in call order, while <see cref="MaxMessages"/> are unfinished, so only messages
    /// buffered while disconnected are dropped. Those that wait have not reached paho or its store.
    /// </remarks>
    public bool DeleteOldest { get; set; }
}
